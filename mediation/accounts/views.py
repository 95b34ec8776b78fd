"""Staff sign-in: password, then a code (or enrolment of an authenticator app), then sign-out.

Lockout (django-axes, per username) is checked before anything else on every
step; wrong passwords and wrong codes count against the same budget. Every
failure, lockout, sign-in and sign-out is in the access log.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from mediation.accounts import lockout, recovery_codes, services, signin, two_factor
from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.forms import CodeForm, PasswordForm, RecoveryCodeForm
from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.coverage import logs_access
from mediation.privacy.clients import client_fingerprint


def _client_failures_over_rate(request: HttpRequest, *, count_this_one: bool) -> bool:
    """Return whether this client's failed sign-in attempts are over the rate.

    Only failures count (wrong passwords and codes, whatever the username), so
    that one office address shared by many staff does not run out of tries
    for ordinary sign-ins, while one client guessing across usernames does.
    """
    return bool(
        is_ratelimited(
            request,
            group="staff-sign-in-client-failures",
            key=client_fingerprint,
            rate=settings.MEDIATION_STAFF_SIGN_IN_CLIENT_RATE,
            method="POST",
            increment=count_this_one,
        )
    )


def _client_blocked(request: HttpRequest) -> bool:
    return _client_failures_over_rate(request, count_this_one=False)


def _client_failed(request: HttpRequest) -> None:
    _client_failures_over_rate(request, count_this_one=True)


def _throttled_response(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/throttled.html", status=429)


def _user_id_for(username: str) -> int | None:
    return User.objects.filter(username=username).values_list("pk", flat=True).first()


def _locked_out(request: HttpRequest, *, user_id: int | None) -> HttpResponse:
    services.sign_in_refused(user_id=user_id)
    signin.abandon(request)
    return lockout.lockout_response(request, None, None)


@logs_access("login staff_user")
class SignInView(auth_views.LoginView):
    """The first step: username and password."""

    form_class = PasswordForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _client_blocked(request):
            services.sign_in_refused(user_id=None)
            return _throttled_response(request)
        username = str(request.POST.get("username", ""))
        if username and lockout.username_locked(request, username):
            # Refused before the password is checked, so a guess teaches nothing.
            return _locked_out(request, user_id=_user_id_for(username))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        signin.begin(self.request, user=user, next_url=self.get_success_url())
        if two_factor.totp_device(user) is None:
            return redirect("accounts:enrol")
        return redirect("accounts:verify")

    def form_invalid(self, form: PasswordForm) -> HttpResponse:  # type: ignore[override]
        if any(error.code == "invalid_login" for error in form.non_field_errors().as_data()):
            username = str(form.cleaned_data.get("username", ""))
            user_id = _user_id_for(username)
            services.sign_in_failed(user_id=user_id)
            _client_failed(self.request)
            if getattr(self.request, "axes_locked_out", False):
                # This failure reached the limit; AxesMiddleware answers with the lockout page.
                services.sign_in_refused(user_id=user_id)
        return super().form_invalid(form)


def _pending_or_restart(request: HttpRequest) -> signin.Pending | HttpResponseRedirect:
    pending = signin.pending(request)
    if pending is None:
        return redirect("accounts:login")
    return pending


def _finish(request: HttpRequest, pending: signin.Pending) -> HttpResponseRedirect:
    return HttpResponseRedirect(pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _wrong_code(
    request: HttpRequest, pending: signin.Pending, *, object_type: str, device_id: int | None
) -> HttpResponse | None:
    """Record a wrong code and count it; return the lockout page if it was the last one allowed."""
    services.second_step_failed(
        user_id=pending.user.pk, object_type=object_type, device_id=device_id
    )
    _client_failed(request)
    if lockout.failure_count(request, pending.user.username):
        return _locked_out(request, user_id=pending.user.pk)
    return None


def _paused(*, user_id: int, object_type: str, device_id: int | None) -> str:
    """Record a code refused unchecked during django-otp's pause; return what to tell the user."""
    services.second_step_throttled(user_id=user_id, object_type=object_type, device_id=device_id)
    return gettext("Too many wrong codes in a row. Wait a minute, then try the newest code.")


@logs_access("login totp_device", "login staff_user")
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the authenticator app."""
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponseRedirect):
        return pending
    device = two_factor.totp_device(pending.user)
    if device is None:
        return redirect("accounts:enrol")
    if request.method != "POST":
        return render(request, "accounts/verify.html", {"form": CodeForm()})
    if _client_blocked(request):
        return _throttled_response(request)
    if lockout.username_locked(request, pending.user.username):
        return _locked_out(request, user_id=pending.user.pk)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/verify.html", {"form": form}, status=400)
    check = two_factor.check_totp(device, form.cleaned_data["code"])
    if check is two_factor.Check.ACCEPTED:
        signin.complete(request, signed_in=pending, device=device, object_type=services.TOTP_DEVICE)
        return _finish(request, pending)
    if check is two_factor.Check.PAUSED:
        form.add_error(
            "code",
            _paused(user_id=pending.user.pk, object_type=services.TOTP_DEVICE, device_id=device.pk),
        )
    else:
        locked = _wrong_code(
            request, pending, object_type=services.TOTP_DEVICE, device_id=device.pk
        )
        if locked is not None:
            return locked
        form.add_error("code", gettext("That code is not right. Try the newest code in the app."))
    return render(request, "accounts/verify.html", {"form": form}, status=400)


@logs_access("login recovery_codes", "login staff_user")
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest) -> HttpResponse:
    """The second step without the app: one of the recovery codes, used up once accepted."""
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponseRedirect):
        return pending
    if request.method != "POST":
        return render(request, "accounts/recovery.html", {"form": RecoveryCodeForm()})
    if _client_blocked(request):
        return _throttled_response(request)
    if lockout.username_locked(request, pending.user.username):
        return _locked_out(request, user_id=pending.user.pk)
    form = RecoveryCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/recovery.html", {"form": form}, status=400)
    device = two_factor.recovery_device(pending.user)
    check = (
        two_factor.check_recovery_code(device, form.cleaned_data["code"])
        if device is not None
        else two_factor.Check.WRONG
    )
    if device is not None and check is two_factor.Check.ACCEPTED:
        signin.complete(
            request, signed_in=pending, device=device, object_type=services.RECOVERY_CODES
        )
        return _finish(request, pending)
    device_id = device.pk if device is not None else None
    if check is two_factor.Check.PAUSED:
        form.add_error(
            "code",
            _paused(
                user_id=pending.user.pk, object_type=services.RECOVERY_CODES, device_id=device_id
            ),
        )
    else:
        locked = _wrong_code(
            request, pending, object_type=services.RECOVERY_CODES, device_id=device_id
        )
        if locked is not None:
            return locked
        form.add_error(
            "code",
            gettext("That recovery code is not right, or it has been used already."),
        )
    return render(request, "accounts/recovery.html", {"form": form}, status=400)


@logs_access("login totp_device", "create totp_device", "create recovery_codes", "login staff_user")
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first sign-in, or after a reset), then show recovery codes."""
    pending = _pending_or_restart(request)
    if isinstance(pending, HttpResponseRedirect):
        return pending
    if two_factor.totp_device(pending.user) is not None:
        return redirect("accounts:verify")
    device = services.totp_device_for_enrolment(user=pending.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _client_blocked(request):
            return _throttled_response(request)
        if lockout.username_locked(request, pending.user.username):
            return _locked_out(request, user_id=pending.user.pk)
        if form.is_valid():
            check = two_factor.check_totp(device, form.cleaned_data["code"])
            if check is two_factor.Check.ACCEPTED:
                return _enrolled(request, pending, device)
            if check is two_factor.Check.PAUSED:
                form.add_error(
                    "code",
                    _paused(
                        user_id=pending.user.pk,
                        object_type=services.TOTP_DEVICE,
                        device_id=device.pk,
                    ),
                )
            else:
                locked = _wrong_code(
                    request, pending, object_type=services.TOTP_DEVICE, device_id=device.pk
                )
                if locked is not None:
                    return locked
                form.add_error(
                    "code",
                    gettext(
                        "That code is not right. Check the app shows this site, "
                        "then type the newest code."
                    ),
                )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "secret": two_factor.secret_text(device),
            "qr_code": two_factor.qr_code_svg(device),
        },
        status=400 if form.is_bound else 200,
    )


def _enrolled(request: HttpRequest, pending: signin.Pending, device: Any) -> HttpResponse:
    services.totp_device_confirm(device=device)
    codes = services.recovery_codes_issue(user=pending.user, actor=Actor.staff(pending.user.pk))
    signin.complete(request, signed_in=pending, device=device, object_type=services.TOTP_DEVICE)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [recovery_codes.display(code) for code in codes],
            "next_url": pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL),
            "first_time": True,
        },
    )


@logs_access("create recovery_codes", "login totp_device")
@staff_verified_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the signed-in user's recovery codes, after a fresh code from their app."""
    user = cast(User, request.user)
    device = two_factor.totp_device(user)
    remaining = services.recovery_codes_remaining(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and device is not None and form.is_valid():
        check = two_factor.check_totp(device, form.cleaned_data["code"])
        if check is two_factor.Check.ACCEPTED:
            codes = services.recovery_codes_issue(user=user, actor=Actor.staff(user.pk))
            return render(
                request,
                "accounts/recovery_codes.html",
                {
                    "codes": [recovery_codes.display(code) for code in codes],
                    "next_url": resolve_url(settings.LOGIN_REDIRECT_URL),
                    "first_time": False,
                },
            )
        if check is two_factor.Check.PAUSED:
            message = _paused(
                user_id=user.pk, object_type=services.TOTP_DEVICE, device_id=device.pk
            )
        else:
            services.second_step_failed(
                user_id=user.pk, object_type=services.TOTP_DEVICE, device_id=device.pk
            )
            message = gettext("That code is not right. Try the newest code in the app.")
        form.add_error("code", message)
    return render(
        request,
        "accounts/new_recovery_codes.html",
        {"form": form, "remaining": remaining},
        status=400 if form.is_bound else 200,
    )


@logs_access("delete staff_session")
class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as in Django) and record it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.signed_out(user_id=request.user.pk)
        return super().post(request, *args, **kwargs)
