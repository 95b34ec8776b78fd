from django.urls import path

from mediation.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("request/", views.request_form, name="request"),
    path("request/confirmation/", views.request_confirmation, name="confirmation"),
]
