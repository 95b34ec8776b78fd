"""The form for adding a case note. It parses; ``note_add`` decides who may write what."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import NoteKind
from mediation.cases.note_selectors import CaucusParty
from mediation.cases.validators import NOTE_MAX, reject_control_characters

SHARED = "shared"
_CAUCUS_PREFIX = "caucus:"


class NoteForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read this note?"),
        widget=forms.RadioSelect,
        initial=SHARED,
        error_messages={
            "required": _("Choose who may read the note."),
            "invalid_choice": _("Choose one of the options listed."),
        },
    )
    text = forms.CharField(
        label=_("Note"),
        help_text=_(
            "Write only what the mediation needs. Leave out ID numbers, phone numbers and "
            "other details that are not needed."
        ),
        max_length=NOTE_MAX,
        validators=[reject_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write the note."),
            "max_length": _("Shorten the note to %(limit_value)d characters or fewer."),
        },
    )

    def __init__(self, *args: Any, caucus_parties: list[CaucusParty], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [
            (SHARED, _("Case note: the case's coordinators and mediators can read it"))
        ]
        choices += [
            (
                f"{_CAUCUS_PREFIX}{party.party_id}",
                format_lazy(
                    _("Private caucus note ({role}): only the case's mediators can read it"),
                    role=party.role,
                ),
            )
            for party in caucus_parties
        ]
        self.fields["visibility"].choices = choices  # type: ignore[attr-defined]

    def kind_and_party(self) -> tuple[NoteKind, uuid.UUID | None]:
        value = self.cleaned_data["visibility"]
        if value == SHARED:
            return NoteKind.SHARED, None
        return NoteKind.CAUCUS, uuid.UUID(value.removeprefix(_CAUCUS_PREFIX))
