"""The notes page of a case. Who may read and write what is decided in the selector and service."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.audit.coverage import logs_access
from mediation.cases.note_forms import NoteForm
from mediation.cases.note_selectors import CaseNotes, note_form_context, notes_for_case
from mediation.cases.note_services import NoteRefused, note_add


@logs_access("view case", "create case")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def notes(request: HttpRequest, reference: str) -> HttpResponse:
    user = cast(User, request.user)
    if request.method != "POST":
        detail = notes_for_case(user=user, reference=reference)
        form = NoteForm(caucus_parties=detail.caucus_parties)
        return _render(request, form, detail, status=200)
    context = note_form_context(user=user, reference=reference)
    form = NoteForm(request.POST, caucus_parties=context.caucus_parties)
    if form.is_valid():
        kind, party_id = form.kind_and_party()
        try:
            note_add(
                user=user,
                reference=reference,
                kind=kind,
                party_id=party_id,
                text=form.cleaned_data["text"],
            )
        except NoteRefused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, gettext("Note added."))
            return redirect("cases:notes", reference=context.case.reference)
    return _render(request, form, notes_for_case(user=user, reference=reference), status=400)


def _render(
    request: HttpRequest, form: NoteForm, detail: CaseNotes, *, status: int
) -> HttpResponse:
    return render(
        request,
        "cases/notes/notes.html",
        {"form": form, "detail": detail, "case": detail.case},
        status=status,
    )
