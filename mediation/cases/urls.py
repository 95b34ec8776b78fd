from django.urls import include, path

from mediation.cases import views, workflow_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("triage/", workflow_views.triage_queue, name="triage"),
    path("<str:reference>/move/", workflow_views.case_move, name="move"),
    path("<str:reference>/duplicate/", workflow_views.case_duplicate, name="duplicate"),
    path("", include("mediation.cases.screening_urls")),
    path("<str:reference>/", views.case_detail, name="detail"),
]
