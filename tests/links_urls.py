"""A second URL configuration for tests/test_links.py: the same names under another path."""

from django.urls import include, path

urlpatterns = [path("elsewhere/cases/", include("mediation.cases.urls"))]
