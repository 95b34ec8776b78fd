from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "mediation.consent"
    label = "consent"
