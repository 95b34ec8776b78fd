from django.urls import path

from mediation.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/recovery/", views.recovery, name="recovery"),
    path("login/set-up/", views.enrol, name="enrol"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("account/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
]
