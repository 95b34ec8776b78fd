"""URLs of agreements and follow-ups, included in ``cases.urls`` before its catch-all.

Fixed paths come first, so that "follow-ups" is never read as a case reference.
"""

from django.urls import path

from mediation.cases import agreement_views, follow_up_views

urlpatterns = [
    path("follow-ups/overdue/", follow_up_views.follow_ups_overdue, name="follow_ups_overdue"),
    path("<str:reference>/agreement/", agreement_views.agreement_detail, name="agreement"),
    path(
        "<str:reference>/agreement/write/", agreement_views.agreement_write, name="agreement_write"
    ),
    path(
        "<str:reference>/agreement/accept/",
        agreement_views.agreement_acceptance,
        name="agreement_accept",
    ),
    path(
        "<str:reference>/agreement/copies/<uuid:copy_id>.pdf",
        agreement_views.agreement_copy_pdf,
        name="agreement_pdf",
    ),
    path("<str:reference>/follow-ups/", follow_up_views.follow_ups_case, name="follow_ups"),
    path(
        "<str:reference>/follow-ups/add/",
        follow_up_views.follow_up_schedule,
        name="follow_up_add",
    ),
    path("<str:reference>/follow-ups/move/", follow_up_views.follow_up_move, name="follow_up_move"),
    path(
        "<str:reference>/follow-ups/<uuid:follow_up_id>/",
        follow_up_views.follow_up_result,
        name="follow_up_record",
    ),
]
