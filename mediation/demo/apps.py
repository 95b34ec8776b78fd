from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: at the top of the import graph, refused in production."""

    name = "mediation.demo"
    label = "demo"
