"""Staff pages for a case's sessions. Scoping, decryption and logging are in the selectors."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.cases.session_forms import AttendanceForm, SessionForm
from mediation.cases.session_selectors import (
    session_calendar_file,
    session_for_staff,
    session_form_context,
    sessions_for_case,
)
from mediation.cases.session_services import (
    SessionRefused,
    session_cancel,
    session_change,
    session_record_attendance,
    session_schedule,
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@logs_access("view case")
@require_GET
@staff_verified_required
def session_list(request: HttpRequest, reference: str) -> HttpResponse:
    detail = sessions_for_case(user=_user(request), reference=reference)
    return render(
        request, "cases/sessions/session_list.html", {"detail": detail, "case": detail.case}
    )


@logs_access("view case", "create case")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def session_new(request: HttpRequest, reference: str) -> HttpResponse:
    context = session_form_context(user=_user(request), reference=reference)
    form = SessionForm(request.POST or None, parties=context.parties)
    if request.method == "POST" and form.is_valid():
        try:
            session_schedule(
                user=_user(request),
                reference=reference,
                plan=form.plan(),
                party_ids=form.party_ids(),
            )
        except SessionRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, gettext("Session arranged."))
            return redirect("cases:sessions", reference=context.case.reference)
    return render(
        request,
        "cases/sessions/session_form.html",
        {"form": form, "case": context.case},
        status=400 if request.method == "POST" else 200,
    )


@logs_access("view case", "view session", "update case", "update session")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def session_edit(request: HttpRequest, reference: str, session_id: uuid.UUID) -> HttpResponse:
    detail = session_for_staff(user=_user(request), reference=reference, session_id=session_id)
    if request.method != "POST":
        form = SessionForm(initial=SessionForm.initial_from(detail.session))
    else:
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session_change(
                    user=_user(request),
                    reference=reference,
                    session_id=session_id,
                    plan=form.plan(),
                )
            except SessionRefused as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, gettext("Session changed."))
                return redirect("cases:sessions", reference=detail.case.reference)
    return render(
        request,
        "cases/sessions/session_edit.html",
        {"form": form, "case": detail.case, "session": detail.session},
        status=400 if request.method == "POST" else 200,
    )


@logs_access("update case", "update session")
@require_POST
@staff_verified_required
def session_cancel_view(
    request: HttpRequest, reference: str, session_id: uuid.UUID
) -> HttpResponse:
    try:
        session = session_cancel(user=_user(request), reference=reference, session_id=session_id)
    except SessionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, gettext("Session cancelled."))
        reference = session.case.reference
    return redirect("cases:sessions", reference=reference)


@logs_access("view case", "view session", "update case", "update session")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def session_attendance(request: HttpRequest, reference: str, session_id: uuid.UUID) -> HttpResponse:
    detail = session_for_staff(user=_user(request), reference=reference, session_id=session_id)
    form = AttendanceForm(request.POST or None, invitees=detail.session.invitees)
    if request.method == "POST" and form.is_valid():
        try:
            session_record_attendance(
                user=_user(request),
                reference=reference,
                session_id=session_id,
                attendance=form.attendance(),
            )
        except SessionRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, gettext("Attendance recorded; the session is marked held."))
            return redirect("cases:sessions", reference=detail.case.reference)
    return render(
        request,
        "cases/sessions/session_attendance.html",
        {"form": form, "case": detail.case, "session": detail.session},
        status=400 if request.method == "POST" else 200,
    )


@logs_access("download case", "download session")
@require_GET
@staff_verified_required
def session_ics(request: HttpRequest, reference: str, session_id: uuid.UUID) -> HttpResponse:
    download = session_calendar_file(
        user=_user(request), reference=reference, session_id=session_id
    )
    response = HttpResponse(download.content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response
