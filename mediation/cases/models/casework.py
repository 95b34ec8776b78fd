"""What mediators and coordinators record on a case: safety screenings, sessions,
notes, agreements and follow-ups. Free text is encrypted with the case's key."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.cases.models.core import Case, Party
from mediation.choices import ChoiceLabels
from mediation.privacy.fields import EncryptedField


class ScreeningDecision(models.TextChoices):
    """The process a safety screening sets for the case."""

    JOINT = "joint", _("Joint sessions")
    SHUTTLE = "shuttle", _("Separate (shuttle) sessions")
    REMOTE = "remote", _("Remote sessions")
    NO_MEDIATION = "no_mediation", _("No mediation: refer elsewhere")


class SafetyScreening(ChoiceLabels, models.Model):
    """A structured safety screening of one party, held apart from the rest of the case.

    Visible only to the screener and the case's coordinators; never to
    mediators who did not screen, never on a resident's status page.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="screenings")
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = EncryptedField(logical_name="screening.answers")
    decision = models.CharField(_("process"), max_length=12, choices=ScreeningDecision.choices)
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("safety screening")
        verbose_name_plural = _("safety screenings")

    def __str__(self) -> str:
        return f"screening {self.pk}"


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("By phone")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Arranged")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Session(ChoiceLabels, models.Model):
    """A mediation session. Place or link is personal (it can locate people): encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=10, choices=SessionFormat.choices)
    location = EncryptedField(logical_name="session.location")
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("Bumped on every change, for calendar updates (RFC 5545).")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["case", "starts_at"], name="session_case_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.pk}"


class SessionMediator(models.Model):
    """A mediator booked for a session: what double-booking checks and calendar feeds read."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_bookings"
    )
    # Copied from the session so that overlap checks and feeds need one index, no join.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("session booking")
        verbose_name_plural = _("session bookings")
        indexes = [
            models.Index(
                fields=["mediator", "starts_at"],
                condition=models.Q(is_cancelled=False),
                name="booking_mediator_time",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "mediator"], name="one_booking_per_session")
        ]

    def __str__(self) -> str:
        return f"booking {self.pk}"


class AttendanceChoice(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Did not attend")


class SessionAttendance(ChoiceLabels, models.Model):
    """Which parties a session is for, and whether they came.

    A party sees only the sessions they are invited to: in separate
    (shuttle) sessions, never the other party's.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="attendance")
    attendance = models.CharField(
        max_length=10, choices=AttendanceChoice.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="one_attendance_per_party")
        ]

    def __str__(self) -> str:
        return f"attendance {self.pk}"


class CalendarFeedToken(models.Model):
    """A mediator's calendar feed secret, stored only as a keyed hash; revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"calendar token {self.pk}"


class NoteKind(models.TextChoices):
    SHARED = "shared", _("Case note")
    CAUCUS = "caucus", _("Private caucus note")


class Note(ChoiceLabels, models.Model):
    """A case note, or a private caucus note tied to one party (mediators of the case only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=6, choices=NoteKind.choices)
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="caucus_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedField(logical_name="note.text")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="caucus", party__isnull=False)
                    | models.Q(kind="shared", party__isnull=True)
                ),
                name="caucus_note_has_party",
            )
        ]

    def __str__(self) -> str:
        return f"note {self.pk}"


class Agreement(models.Model):
    """A written agreement; each party gets a copy in their language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"agreement {self.pk}"


class AgreementCopy(models.Model):
    """One party's copy of an agreement: the terms in their language, and their acceptance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="copies")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="agreement_copies")
    language = models.CharField(max_length=10)
    terms = EncryptedField(logical_name="agreement.terms")
    accepted_at = models.DateTimeField(null=True, blank=True)
    acceptance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agreement copy")
        verbose_name_plural = _("agreement copies")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="one_copy_per_party")
        ]

    def __str__(self) -> str:
        return f"agreement copy {self.pk}"


class FollowUpResult(models.TextChoices):
    HELD = "held", _("The agreement held")
    PARTLY = "partly", _("Partly held")
    NOT_HELD = "not_held", _("The agreement did not hold")
    NO_CONTACT = "no_contact", _("Could not reach the parties")


class FollowUp(ChoiceLabels, models.Model):
    """A scheduled check on whether an agreement held."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due"))
    result = models.CharField(
        _("result"), max_length=10, choices=FollowUpResult.choices, blank=True
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(recorded_at__isnull=True),
                name="follow_up_open_due",
            )
        ]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"
