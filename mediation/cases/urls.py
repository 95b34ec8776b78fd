from django.urls import include, path

from mediation.cases import note_views, referral_views, session_views, views, workflow_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("triage/", workflow_views.triage_queue, name="triage"),
    path("<str:reference>/move/", workflow_views.case_move, name="move"),
    path("<str:reference>/duplicate/", workflow_views.case_duplicate, name="duplicate"),
    path("<str:reference>/sessions/", session_views.session_list, name="sessions"),
    path("<str:reference>/sessions/new/", session_views.session_new, name="session_new"),
    path(
        "<str:reference>/sessions/<uuid:session_id>/",
        session_views.session_edit,
        name="session_edit",
    ),
    path(
        "<str:reference>/sessions/<uuid:session_id>/cancel/",
        session_views.session_cancel_view,
        name="session_cancel",
    ),
    path(
        "<str:reference>/sessions/<uuid:session_id>/attendance/",
        session_views.session_attendance,
        name="session_attendance",
    ),
    path(
        "<str:reference>/sessions/<uuid:session_id>.ics",
        session_views.session_ics,
        name="session_ics",
    ),
    path("<str:reference>/notes/", note_views.notes, name="notes"),
    # Agreements and follow-ups (fixed paths such as follow-ups/overdue/ first).
    path("", include("mediation.cases.agreement_urls")),
    path("", include("mediation.cases.screening_urls")),
    path("<str:reference>/referral/", referral_views.referral, name="referral"),
    path(
        "<str:reference>/referral/consent-withdrawn/",
        referral_views.referral_withdraw,
        name="referral_withdraw",
    ),
    path("<str:reference>/", views.case_detail, name="detail"),
]
