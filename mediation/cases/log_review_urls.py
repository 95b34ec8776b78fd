from django.urls import path

from mediation.cases import log_review_views

app_name = "log_review"

urlpatterns = [
    path("", log_review_views.log_events, name="events"),
    path("flags/", log_review_views.log_flags, name="flags"),
    path("export/", log_review_views.log_export, name="export"),
]
