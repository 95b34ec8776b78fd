from django.urls import path

from mediation.intake import status_views, views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("leave/", views.quick_exit, name="quick_exit"),
    path("request/", views.step, name="request"),
    path("request/check/", views.check, name="check"),
    path("request/send/", views.send, name="send"),
    path("request/safety/help/", views.safety_help, name="safety_help"),
    path("request/<slug:slug>/", views.step, name="step"),
    path("status/", status_views.status_sign_in, name="status"),
    path("status/case/", status_views.status_case, name="status_case"),
    path("status/sign-out/", status_views.status_sign_out, name="status_sign_out"),
]
