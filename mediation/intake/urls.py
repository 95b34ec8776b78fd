from django.urls import path

from mediation.intake import other_party_views, staff_views, status_actions, status_views, views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("leave/", views.quick_exit, name="quick_exit"),
    path("request/", views.step, name="request"),
    path("request/check/", views.check, name="check"),
    path("request/send/", views.send, name="send"),
    path("request/safety/help/", views.safety_help, name="safety_help"),
    path("request/<slug:slug>/", views.step, name="step"),
    path("intake/new/", staff_views.staff_intake, name="staff_intake"),
    path("intake/<str:reference>/new-code/", staff_views.staff_new_code, name="staff_new_code"),
    path("cases/<str:reference>/other-party/", other_party_views.other_party, name="other_party"),
    path(
        "cases/<str:reference>/other-party/notified/",
        other_party_views.notified,
        name="other_party_notified",
    ),
    path(
        "cases/<str:reference>/other-party/agreed/",
        other_party_views.agreed,
        name="other_party_agreed",
    ),
    path(
        "cases/<str:reference>/other-party/declined/",
        other_party_views.declined,
        name="other_party_declined",
    ),
    path(
        "cases/<str:reference>/other-party/new-code/",
        other_party_views.new_code,
        name="other_party_new_code",
    ),
    path("status/", status_views.status_sign_in, name="status"),
    path("status/case/", status_views.status_case, name="status_case"),
    path("status/lost-code/", status_views.lost_code, name="lost_code"),
    path("status/sign-out/", status_views.status_sign_out, name="status_sign_out"),
    path("status/case/add/", status_actions.add_information, name="status_add"),
    path("status/case/contact/", status_actions.change_contact, name="status_contact"),
    path(
        "status/case/consent/<slug:purpose>/withdraw/",
        status_actions.withdraw_consent,
        name="status_withdraw",
    ),
    path(
        "status/case/sharing/<slug:partner>/withdraw/",
        status_actions.withdraw_sharing,
        name="status_withdraw_sharing",
    ),
    path("status/case/download/", status_actions.download, name="status_download"),
    path("status/case/erasure/", status_actions.request_erasure, name="status_erasure"),
]
