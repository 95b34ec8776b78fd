"""Break-glass pages: asking for access beyond one's scope, and reviewing such accesses."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.audit.models import ReviewDecision
from mediation.cases.break_glass import (
    REASON_MAX_LENGTH,
    BreakGlassRefused,
    break_glass_for_review,
    break_glass_may_open,
    break_glass_open,
    break_glass_review,
)


class BreakGlassForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        error_messages={"required": _("Enter the case reference.")},
    )
    reason = forms.CharField(
        label=_("Why do you need to read this case?"),
        help_text=_(
            "Be specific: a privacy officer reviews every break-glass access. Do not write "
            "names or other personal details here."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Write why you need this case.")},
    )
    understood = forms.BooleanField(
        label=_("I understand that this access is logged, flagged and reviewed"),
        error_messages={"required": _("Confirm that you understand the access is reviewed.")},
    )


@logs_access("view case", "create break_glass")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def break_glass(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not break_glass_may_open(user=user):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = break_glass_open(
                user=user,
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
            )
        except BreakGlassRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.warning(
                request,
                gettext(
                    "Break-glass access is open until %(time)s. Every view is logged and "
                    "will be reviewed."
                )
                % {"time": access.expires_at.strftime("%H:%M")},
            )
            return redirect("cases:detail", reference=form.cleaned_data["reference"])
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "cases/break_glass.html",
        {"form": form, "minutes": settings.MEDIATION_BREAK_GLASS_MINUTES},
        status=status,
    )


@logs_access("list break_glass", "view case")
@require_http_methods(["GET"])
@staff_verified_required
def break_glass_review_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    show_all = request.GET.get("show") == "all"
    try:
        lines = break_glass_for_review(user=user, pending_only=not show_all)
    except BreakGlassRefused:
        raise Http404 from None
    return render(
        request,
        "cases/break_glass_review.html",
        {"lines": lines, "show_all": show_all, "decisions": ReviewDecision.choices[1:]},
    )


@logs_access("update break_glass", "view case")
@require_POST
@staff_verified_required
def break_glass_decide(request: HttpRequest, access_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        # Anyone but a privacy officer gets a 404 (NotAReviewer), logged.
        break_glass_review(
            user=user, access_id=access_id, decision=request.POST.get("decision", "")
        )
    except BreakGlassRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, gettext("Your review is recorded."))
    return redirect("break_glass:review")
