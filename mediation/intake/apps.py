from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "mediation.intake"
    label = "intake"
