"""Public pages: the start page and the request form, one question per page.

No account and nothing personal in URLs. Answers are kept in the encrypted
draft (``drafts.py``) between pages and cleared on submit and on quick exit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from mediation.accounts.models import Community
from mediation.audit.actors import Actor
from mediation.audit.coverage import logs_access, own_draft_only, touches_no_personal_data
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record_refused
from mediation.cases.models import Category, ContactChannel
from mediation.cases.references import display as display_reference
from mediation.cases.status_codes import display as display_code
from mediation.intake.drafts import Draft, draft_discard, draft_load, draft_save
from mediation.intake.forms import ContactForm, LanguageForm, OtherPartyForm, SafetyForm
from mediation.intake.services import answers_from_steps, request_submit
from mediation.intake.steps import (
    BY_SLUG,
    STEPS,
    first_unanswered,
    safety_concern,
    step_after,
    step_before,
)
from mediation.privacy.clients import client_fingerprint


def _request_form_rate(group: str, request: HttpRequest) -> str:
    return str(settings.MEDIATION_REQUEST_FORM_RATE)


def _step_url(slug: str, *, change: bool = False) -> str:
    url = (
        reverse("intake:request") if slug == STEPS[0].slug else reverse("intake:step", args=[slug])
    )
    return f"{url}?change=1" if change else url


OWN_DRAFT = own_draft_only(
    reason=(
        "shows and keeps the visitor's own unsent answers, encrypted with a key that only "
        "their browser holds; the case is logged when the request is sent"
    )
)


@touches_no_personal_data(reason="the fixed start page of the request form")
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/start.html")


@OWN_DRAFT
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str = STEPS[0].slug) -> HttpResponse:
    current = BY_SLUG.get(slug)
    if current is None:
        raise Http404
    draft = draft_load(request) or Draft.new()
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = current.form(draft.answers, data=request.POST)
        if form.is_valid():
            draft.answers[current.slug] = form.cleaned_data
            following = step_after(current.slug)
            if current.slug == "safety" and safety_concern(draft.answers):
                target = reverse("intake:safety_help")
            elif changing or following is None:
                target = reverse("intake:check")
            else:
                target = _step_url(following.slug)
            response: HttpResponse = HttpResponseRedirect(target)
            draft_save(draft, response)
            return response
        status = 400
    else:
        form = current.form(draft.answers)
        status = 200
    previous = step_before(current.slug)
    back = (
        reverse("intake:check")
        if changing
        else (_step_url(previous.slug) if previous else reverse("intake:start"))
    )
    return render(
        request,
        "intake/question.html",
        {"form": form, "step": current, "back_url": back, "changing": changing},
        status=status,
    )


@OWN_DRAFT
@require_GET
def safety_help(request: HttpRequest) -> HttpResponse:
    draft = draft_load(request)
    if draft is None or not safety_concern(draft.answers):
        return redirect("intake:request")
    following = step_after("safety")
    return render(
        request,
        "intake/safety_help.html",
        {"next_url": _step_url(following.slug) if following else reverse("intake:check")},
    )


def _summary(answers: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the check-your-answers page: question, answer, change link."""
    community = Community.objects.filter(pk=answers["community"]["community"]).first()
    contact = answers["contact"]
    other = answers["other-party"]
    approaches = dict(OtherPartyForm.APPROACHES)
    times = dict(ContactForm.TIMES)
    languages = dict(LanguageForm.base_fields["language"].choices)  # type: ignore[attr-defined]
    safety_labels = dict(SafetyForm.base_fields["violence"].choices)  # type: ignore[attr-defined]
    contact_answer = [str(ContactChannel(contact["channel"]).label)]
    if contact.get("detail"):
        contact_answer.append(contact["detail"])
    if contact.get("times"):
        contact_answer.append(", ".join(str(times[t]) for t in contact["times"]))
    other_answer = [other["identity"]] if other.get("identity") else []
    other_answer.append(str(approaches[other["approach"]]))
    if other.get("contact"):
        other_answer.append(other["contact"])
    safety = answers["safety"]
    rows: list[tuple[str, list[str]]] = [
        ("community", [community.display_name(get_language()) if community else ""]),
        ("dispute", [str(Category(answers["dispute"]["category"]).label)]),
        ("what-happened", [answers["what-happened"]["description"]]),
        ("other-party", other_answer),
        ("contact", contact_answer),
        ("language", [str(languages[answers["language"]["language"]])]),
        (
            "safety",
            [
                f"{SafetyForm.base_fields[name].label} {safety_labels[safety[name]]}"
                for name in ("violence", "threats", "fear")
            ],
        ),
    ]
    return [
        {"title": BY_SLUG[slug].title, "lines": lines, "change_url": _step_url(slug, change=True)}
        for slug, lines in rows
    ]


@OWN_DRAFT
@require_GET
def check(request: HttpRequest) -> HttpResponse:
    draft = draft_load(request)
    if draft is None:
        return redirect("intake:request")
    missing = first_unanswered(draft.answers)
    if missing is not None and missing.slug != "consent":
        return redirect(_step_url(missing.slug))
    if missing is not None:
        return redirect(_step_url("consent"))
    return render(request, "intake/check.html", {"rows": _summary(draft.answers)})


@logs_access("create case")
@require_POST
@ratelimit(key=client_fingerprint, rate=_request_form_rate, method="POST", block=False)
def send(request: HttpRequest) -> HttpResponse:
    draft = draft_load(request)
    if draft is None:
        # Already sent (the draft is gone), or expired: nothing to send twice.
        return render(request, "intake/nothing_to_send.html", status=409)
    if first_unanswered(draft.answers) is not None:
        return redirect("intake:check")
    if getattr(request, "limited", False):
        access_event_record_refused(
            actor=Actor.anonymous(),
            action=Action.CREATE,
            object_type="case",
            object_id=None,
            purpose=Purpose.INTAKE,
        )
        # The draft is kept: nothing typed is lost; the resident can send later.
        return render(request, "intake/throttled.html", status=429)
    answers = answers_from_steps(draft.answers)
    submitted = request_submit(answers=answers, shown_in=get_language() or settings.LANGUAGE_CODE)
    # The status code exists only in this response: shown once, never stored.
    response = render(
        request,
        "intake/confirmation.html",
        {
            "reference": display_reference(submitted.case.reference),
            "status_code": display_code(submitted.status_code),
            "safety_concern": submitted.case.safety_flagged,
            "contact_none": answers.contact.channel == ContactChannel.NONE,
        },
    )
    draft_discard(request, response, draft)
    return response


@OWN_DRAFT
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Forget the draft and leave for a neutral site (works without JavaScript)."""
    response = HttpResponseRedirect(settings.MEDIATION_QUICK_EXIT_URL)
    draft_discard(request, response)
    request.session.flush()
    return response
