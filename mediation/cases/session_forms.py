"""Forms for arranging sessions and recording attendance. They parse; the services decide."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import AttendanceChoice, SessionFormat
from mediation.cases.session_selectors import Invitee, PartyChoice, SessionLine
from mediation.cases.session_services import SessionPlan
from mediation.cases.validators import SHORT_TEXT_MAX, reject_control_characters

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"


class SessionForm(forms.Form):
    """When, how and where a session is; on a new session also who it is for.

    Times are read in the centre's time zone (``TIME_ZONE``) and stored in UTC.
    """

    date = forms.DateField(
        label=_("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": _("Enter the date of the session."),
            "invalid": _("Enter a real date, for example 2027-03-14."),
        },
    )
    starts = forms.TimeField(
        label=_("Starts at"),
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages={
            "required": _("Enter the time the session starts."),
            "invalid": _("Enter a time like 14:30."),
        },
    )
    ends = forms.TimeField(
        label=_("Ends at"),
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages={
            "required": _("Enter the time the session ends."),
            "invalid": _("Enter a time like 16:00."),
        },
    )
    format = forms.ChoiceField(
        label=_("How will people take part?"),
        choices=SessionFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how people will take part.")},
    )
    location = forms.CharField(
        label=_("Place, or link to join"),
        help_text=_(
            "Where to go, or the online meeting link; for a phone session, who calls whom "
            "(optional). Only the case's staff and the parties invited see it. Mediators' "
            "calendar feeds never show it."
        ),
        required=False,
        max_length=SHORT_TEXT_MAX,
        validators=[reject_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Shorten this to %(limit_value)d characters or fewer.")},
    )
    parties = forms.MultipleChoiceField(
        label=_("Who is this session for?"),
        help_text=_(
            "Choose both parties for a joint session, or one for a separate (shuttle) session."
        ),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose who the session is for."),
            "invalid_choice": _("Choose from the parties listed."),
        },
    )

    def __init__(self, *args: Any, parties: list[PartyChoice] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if parties is None:
            del self.fields["parties"]
        else:
            self.fields["parties"].choices = [(str(p.party_id), p.role) for p in parties]  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, line: SessionLine) -> dict[str, object]:
        starts = timezone.localtime(line.starts_at)
        return {
            "date": starts.date(),
            "starts": starts.time(),
            "ends": timezone.localtime(line.ends_at).time(),
            "format": line.format,
            "location": line.location,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date, starts, ends = cleaned.get("date"), cleaned.get("starts"), cleaned.get("ends")
        if date and starts and ends:
            starts_at = timezone.make_aware(datetime.datetime.combine(date, starts))
            ends_at = timezone.make_aware(datetime.datetime.combine(date, ends))
            if ends_at <= starts_at:
                self.add_error("ends", _("The session must end after it starts."))
            elif starts_at <= timezone.now():
                self.add_error("date", _("Choose a date and time in the future."))
            cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        location = str(cleaned.get("location", "")).strip()
        cleaned["location"] = location
        if (
            cleaned.get("format") in (SessionFormat.IN_PERSON, SessionFormat.ONLINE)
            and not location
        ):
            self.add_error("location", _("Say where the session is, or the link to join it."))
        return cleaned

    def plan(self) -> SessionPlan:
        data = self.cleaned_data
        return SessionPlan(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            format=SessionFormat(data["format"]),
            location=data["location"],
        )

    def party_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.cleaned_data["parties"]]


class AttendanceForm(forms.Form):
    """One question per party the session is for: did they come?"""

    def __init__(self, *args: Any, invitees: list[Invitee], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [
            (AttendanceChoice.ATTENDED.value, AttendanceChoice.ATTENDED.label),
            (AttendanceChoice.ABSENT.value, AttendanceChoice.ABSENT.label),
        ]
        self._party_ids: dict[str, uuid.UUID] = {}
        for invitee in invitees:
            name = f"party_{invitee.party_id.hex}"
            self._party_ids[name] = invitee.party_id
            self.fields[name] = forms.ChoiceField(
                label=invitee.role,
                choices=choices,
                widget=forms.RadioSelect,
                initial=invitee.attendance or None,
                error_messages={"required": _("Say whether they came.")},
            )

    def attendance(self) -> dict[uuid.UUID, AttendanceChoice]:
        return {
            party_id: AttendanceChoice(self.cleaned_data[name])
            for name, party_id in self._party_ids.items()
        }
