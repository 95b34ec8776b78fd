"""The resident's status page: sign in with reference and code (POST only), then see the case.

The resident's access lives in the session for a short idle time; nothing
identifying is ever in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from mediation.audit.actors import Actor
from mediation.audit.coverage import logs_access, touches_no_personal_data
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record_refused
from mediation.cases.references import display as display_reference
from mediation.cases.references import normalise as normalise_reference
from mediation.cases.session_selectors import sessions_for_party
from mediation.cases.stages import STAGE_EXPLANATIONS, Stage
from mediation.consent.models import ConsentPurpose
from mediation.intake.resident_access import (
    resident_replace_code,
    resident_status,
    resident_verify,
)
from mediation.privacy.clients import client_fingerprint

SESSION_KEY = "resident_access"
SEEN_REFRESH_SECONDS = 60
UNIFORM_ERROR = _("The case reference or status code is not right. Check both and try again.")


class StatusSignInForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        help_text=_("For example 7KQ3M-9XWD2. Spaces and dashes do not matter."),
        max_length=40,
        error_messages={"required": _("Enter your case reference.")},
    )
    code = forms.CharField(
        label=_("Status code"),
        help_text=_("The 20-character code you were given, for example ABCD-EFGH-JKMN-PQRS-TVWX."),
        max_length=64,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter your status code.")},
    )


def _reference_key(group: str, request: HttpRequest) -> str:
    typed = str(request.POST.get("reference", ""))
    canonical = normalise_reference(typed) or typed.strip().upper()[:40]
    return hmac.new(
        settings.SECRET_KEY.encode(), b"reference|" + canonical.encode(), hashlib.sha256
    ).hexdigest()


def _throttled(request: HttpRequest) -> bool:
    # Both counters always advance, so a throttled client still spends the reference's budget.
    by_client = is_ratelimited(
        request,
        group="status-client",
        key=client_fingerprint,
        rate=settings.MEDIATION_STATUS_CLIENT_RATE,
        method="POST",
        increment=True,
    )
    by_reference = is_ratelimited(
        request,
        group="status-reference",
        key=_reference_key,
        rate=settings.MEDIATION_STATUS_REFERENCE_RATE,
        method="POST",
        increment=True,
    )
    return bool(by_client or by_reference)


def _refuse_throttled(request: HttpRequest, action: Action) -> HttpResponse:
    """Log the refused attempt and say when to try again (the same for every reference)."""
    access_event_record_refused(
        actor=Actor.anonymous(),
        action=action,
        object_type="case",
        object_id=None,
        purpose=Purpose.SELF_SERVICE,
    )
    return render(request, "intake/status_throttled.html", status=429)


@logs_access("view case", "login party")
@require_http_methods(["GET", "POST"])
def status_sign_in(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "intake/status_sign_in.html", {"form": StatusSignInForm()})
    form = StatusSignInForm(request.POST)
    if _throttled(request):
        return _refuse_throttled(request, Action.VIEW)
    if not form.is_valid():
        return render(request, "intake/status_sign_in.html", {"form": form}, status=400)
    party = resident_verify(
        reference_text=form.cleaned_data["reference"], code_text=form.cleaned_data["code"]
    )
    if party is None:
        failed = StatusSignInForm(initial={"reference": form.cleaned_data["reference"]})
        return render(
            request,
            "intake/status_sign_in.html",
            {"form": failed, "uniform_error": UNIFORM_ERROR},
            status=400,
        )
    # A session that already exists gets a new key (no fixation); a new one is
    # created with a fresh key when it is first saved, so one write suffices.
    if request.session.session_key:
        request.session.cycle_key()
    request.session[SESSION_KEY] = {"party": str(party.pk), "seen": time.time()}
    return redirect("intake:status_case")


def resident_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run only for a resident signed in within the idle time."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = request.session.get(SESSION_KEY)
        idle = settings.MEDIATION_RESIDENT_IDLE_SECONDS
        if not access or time.time() - float(access.get("seen", 0)) > idle:
            request.session.pop(SESSION_KEY, None)
            return redirect("intake:status")
        now = time.time()
        # Refresh the idle clock at most once a minute: each refresh is a write.
        if now - float(access.get("seen", 0)) > SEEN_REFRESH_SECONDS:
            access["seen"] = now
            request.session[SESSION_KEY] = access
        request.resident_party_id = uuid.UUID(access["party"])  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


@logs_access("view case")
@resident_required
def status_case(request: HttpRequest) -> HttpResponse:
    view = resident_status(party_id=request.resident_party_id)  # type: ignore[attr-defined]
    if view is None:
        request.session.pop(SESSION_KEY, None)
        return redirect("intake:status")
    return render(
        request,
        "intake/status_case.html",
        {
            "view": view,
            "reference": display_reference(view.party.status_reference),
            "stages": list(Stage),
            "explanation": STAGE_EXPLANATIONS[view.stage],
            # Only this person's own sessions: never the other party's separate ones.
            "sessions": sessions_for_party(party=view.party),
            "consents": [
                (purpose, purpose.label, view.consents.get(purpose, False))
                for purpose in (
                    ConsentPurpose.MEDIATION,
                    ConsentPurpose.CONTACT,
                    ConsentPurpose.STATISTICS,
                )
            ],
            "sharing_with": [
                (partner.slug, partner.display_name(request.LANGUAGE_CODE))
                for partner in view.sharing_with
            ],
        },
    )


@touches_no_personal_data(
    reason="forgets the resident's access in this browser session; reads nothing"
)
@require_POST
def status_sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("intake:status")


class LostCodeForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        error_messages={"required": _("Enter your case reference.")},
    )
    email = forms.CharField(
        label=_("The email address you gave the centre"),
        max_length=200,
        error_messages={"required": _("Enter the email address you gave the centre.")},
    )


@logs_access("update case")
@require_http_methods(["GET", "POST"])
def lost_code(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "intake/lost_code.html", {"form": LostCodeForm()})
    form = LostCodeForm(request.POST)
    if _throttled(request):
        return _refuse_throttled(request, Action.UPDATE)
    if not form.is_valid():
        return render(request, "intake/lost_code.html", {"form": form}, status=400)
    # The same answer whether or not a code was sent: nothing to learn from it.
    resident_replace_code(
        reference_text=form.cleaned_data["reference"], email_text=form.cleaned_data["email"]
    )
    return render(request, "intake/lost_code_sent.html")
