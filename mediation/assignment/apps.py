from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "mediation.assignment"
    label = "assignment"
