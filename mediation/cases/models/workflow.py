"""The case timeline: one row per thing that happened to a case, in codes, never free text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.cases.models.core import Case, Status
from mediation.choices import ChoiceLabels


class EventKind(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("Status changed")
    MEDIATOR_ASSIGNED = "mediator_assigned", _("Mediator assigned")
    MEDIATOR_REMOVED = "mediator_removed", _("Mediator came off the case")
    PARTY_NOTIFIED = "party_notified", _("Other party told what is held about them")
    PARTY_DECIDED = "party_decided", _("A party decided about mediation")
    SAFETY_SCREENED = "safety_screened", _("Safety screening recorded")
    SESSION_SCHEDULED = "session_scheduled", _("Session arranged")
    SESSION_CHANGED = "session_changed", _("Session changed")
    SESSION_RECORDED = "session_recorded", _("Attendance recorded")
    NOTE_ADDED = "note_added", _("Note added")
    AGREEMENT_RECORDED = "agreement_recorded", _("Agreement written")
    AGREEMENT_ACCEPTED = "agreement_accepted", _("Agreement accepted by a party")
    FOLLOW_UP_RECORDED = "follow_up_recorded", _("Follow-up recorded")
    DUPLICATE_LINKED = "duplicate_linked", _("Linked to another case")
    REFERRAL_SENT = "referral_sent", _("Referral sent to a partner organisation")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("A party withdrew their consent to mediation")


class Reason(models.TextChoices):
    """Why a transition happened, as a code (free text would end up in statistics)."""

    NONE = "", _("No reason needed")
    NOT_SUITABLE = "not_suitable", _("Not suitable for mediation")
    OUT_OF_AREA = "out_of_area", _("Outside the centre's area")
    NO_CONTACT = "no_contact", _("Could not reach the requester")
    SAFETY = "safety", _("Safety concerns")
    OTHER_PARTY_DECLINED = "other_party_declined", _("The other party declined")
    REQUESTER_WITHDREW = "requester_withdrew", _("The requester withdrew")
    DUPLICATE = "duplicate", _("Duplicate request")
    REFERRED = "referred", _("Referred to a partner organisation")
    RESOLVED_ELSEWHERE = "resolved_elsewhere", _("Resolved without mediation")


class CaseEvent(ChoiceLabels, models.Model):
    """Something that happened to a case: shown on the case page's timeline.

    Written only by the services that do the thing, in the same transaction.
    It names the related object by id (a session, a note) and never copies
    its content.
    """

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when a resident or a system job acted."),
    )
    subject_id = models.UUIDField(
        null=True, blank=True, help_text=_("The session, note or other record concerned.")
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "occurred_at", "id"], name="event_case_time")]

    def __str__(self) -> str:
        return f"event {self.pk}"
