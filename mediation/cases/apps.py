from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mediation.cases"
    label = "cases"
