"""Safety screening pages, included by ``cases.urls`` before its catch-all case page."""

from django.urls import path

from mediation.cases import screening_views

urlpatterns = [
    path("<str:reference>/screening/", screening_views.screening_overview, name="screening"),
    path(
        "<str:reference>/screening/party/<uuid:party_id>/",
        screening_views.screening_new,
        name="screening_new",
    ),
    path(
        "<str:reference>/screening/<uuid:screening_id>/",
        screening_views.screening_answers,
        name="screening_answers",
    ),
]
