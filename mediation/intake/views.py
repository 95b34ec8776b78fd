"""Public pages: no account, no personal data in URLs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record_refused
from mediation.cases.references import display
from mediation.cases.services import Contact
from mediation.intake.forms import RequestForm
from mediation.intake.services import request_submit
from mediation.privacy.clients import client_fingerprint

CONFIRMATION_SESSION_KEY = "intake_confirmation"


def _request_form_rate(group: str, request: HttpRequest) -> str:
    return str(settings.MEDIATION_REQUEST_FORM_RATE)


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/start.html")


@require_http_methods(["GET", "POST"])
@ratelimit(key=client_fingerprint, rate=_request_form_rate, method="POST", block=False)
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "intake/request_form.html", {"form": RequestForm()})

    form = RequestForm(request.POST)
    if getattr(request, "limited", False):
        access_event_record_refused(
            actor=Actor.anonymous(),
            action=Action.CREATE,
            object_type="case",
            object_id=None,
            purpose=Purpose.INTAKE,
        )
        # Keep what was typed: the form is shown again, filled in, with the reason.
        form.is_valid()
        return render(
            request,
            "intake/request_form.html",
            {"form": form, "throttled": True},
            status=429,
        )
    if not form.is_valid():
        return render(request, "intake/request_form.html", {"form": form}, status=400)

    data = form.cleaned_data
    case = request_submit(
        community=data["community"],
        category=data["category"],
        description=data["description"],
        contact=Contact(channel=data["contact_channel"], detail=data["contact_detail"]),
        language=get_language() or settings.LANGUAGE_CODE,
        consents_to_mediation=data["consent"],
    )
    request.session[CONFIRMATION_SESSION_KEY] = case.reference
    return redirect("intake:confirmation")


def request_confirmation(request: HttpRequest) -> HttpResponse:
    # Shown once: the reference is taken out of the session as it is displayed.
    reference = request.session.pop(CONFIRMATION_SESSION_KEY, None)
    if reference is None:
        return redirect("intake:request")
    return render(request, "intake/confirmation.html", {"reference": display(reference)})
