"""Cases, the parties to them, and who is assigned to mediate."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import Community
from mediation.cases.references import display
from mediation.choices import ChoiceLabels
from mediation.privacy.fields import EncryptedField
from mediation.privacy.models import DataKey


class Category(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours")
    FAMILY = "family", _("Family")
    LANDLORD_TENANT = "landlord_tenant", _("Landlord and tenant")
    CONSUMER = "consumer", _("Buying or selling something")
    WORKPLACE = "workplace", _("Work")
    OTHER = "other", _("Something else")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    ASSIGNED = "assigned", _("Assigned")
    SESSIONS = "sessions", _("Sessions")
    AGREEMENT = "agreement", _("Agreement reached")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


# A case in one of these statuses is over: it no longer takes a mediator's time.
FINISHED_STATUSES = (Status.WITHDRAWN, Status.CLOSED)


class Outcome(models.TextChoices):
    """How a closed case ended: recorded once, at closure, and kept for statistics."""

    AGREEMENT_HELD = "agreement_held", _("Agreement reached and held")
    AGREEMENT_NOT_HELD = "agreement_not_held", _("Agreement reached but did not hold")
    AGREEMENT = "agreement", _("Agreement reached")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined by the centre")
    OTHER_PARTY_DECLINED = "other_party_declined", _("The other party declined")
    REFERRED = "referred", _("Referred to a partner organisation")
    DUPLICATE = "duplicate", _("Duplicate of another case")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral")


class Case(ChoiceLabels, models.Model):
    """A request for mediation and everything done about it.

    Its personal fields (and its parties') are encrypted with its own data key.
    Status changes go through the workflow service, never by assignment.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("case reference"), max_length=10, unique=True)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="cases")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    intake_channel = models.CharField(
        _("received by"), max_length=10, choices=IntakeChannel.choices
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, null=True, related_name="case"
    )
    description = EncryptedField(logical_name="case.description")
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text=_("The case this one repeats, or the other party's own request."),
    )
    safety_flagged = models.BooleanField(
        _("needs safety screening"),
        default=False,
        help_text=_("Someone answered yes to a safety question; never shown to residents."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Lists order by (submitted_at, id) in either direction; a B-tree index
        # serves both by scanning forwards or backwards.
        indexes = [
            models.Index(fields=["community", "submitted_at", "id"], name="case_community_recent"),
            models.Index(fields=["submitted_at", "id"], name="case_recent"),
            models.Index(fields=["status", "submitted_at", "id"], name="case_status_recent"),
            models.Index(
                fields=["community", "status", "submitted_at", "id"],
                name="case_community_status",
            ),
        ]

    def __str__(self) -> str:
        return display(self.reference)

    @property
    def display_reference(self) -> str:
        return display(self.reference)


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone or text message")
    NONE = "none", _("Do not contact me: I will check the status myself")


class PartyRole(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    OTHER_PARTY = "other_party", _("Other party")


class PartyDecision(models.TextChoices):
    """Whether a party has agreed to take part in mediation."""

    PENDING = "pending", _("Not yet decided")
    AGREED = "agreed", _("Agreed to mediation")
    DECLINED = "declined", _("Declined mediation")


class ContactMethod(models.TextChoices):
    """How the centre first reached the other party."""

    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By email")
    LETTER = "letter", _("By letter")
    IN_PERSON = "in_person", _("In person")
    VIA_REQUESTER = "via_requester", _("Through the requester")


class Party(ChoiceLabels, models.Model):
    """A person on one side of a case. Not linked to anyone in any other case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    reference = models.CharField(
        _("own reference"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "The other party's own reference for the status page; the requester uses the "
            "case's. Neither learns the other's."
        ),
    )
    # How this person is known, in their own or the requester's words (no real name needed).
    identity = EncryptedField(logical_name="party.identity")
    contact = EncryptedField(logical_name="party.contact")
    safety_answers = EncryptedField(logical_name="party.safety_answers")
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    name_index = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "Keyed hash of the party's normalised name, for conflict-of-interest checks only; "
            "empty when no name was given. Deliberately not indexed: no lookups across cases."
        ),
    )
    decision = models.CharField(
        _("decision about mediation"),
        max_length=10,
        choices=PartyDecision.choices,
        default=PartyDecision.PENDING,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    contacted_via = models.CharField(
        _("contacted"), max_length=14, choices=ContactMethod.choices, blank=True
    )
    notice_version = models.CharField(
        max_length=40, blank=True, help_text=_("The version of the notice the party was given.")
    )
    notified_at = models.DateTimeField(
        _("told what is held about them"),
        null=True,
        blank=True,
        help_text=_("When the other party was given the notice of what is held and why."),
    )
    status_code_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Keyed hash of the party's status code; the code itself is never stored."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(role="requester"),
                name="one_requester_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"party {self.pk}"

    @property
    def status_reference(self) -> str:
        """The reference this party signs in with: their own, or else the case's."""
        return self.reference or self.case.reference


class Statement(models.Model):
    """Something a party added to their case after sending it, in their own words."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statements")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="statements")
    text = EncryptedField(logical_name="statement.text")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"statement {self.pk}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead mediator")
    CO = "co", _("Co-mediator")


class CaseAssignment(ChoiceLabels, models.Model):
    """A mediator assigned to a case; ended, never deleted, when they come off it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(_("role"), max_length=4, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # False once the case is withdrawn or closed (set by the workflow, which is the
    # only writer of a case's status): the assignment stays, and still lets the
    # mediator read the case, but no longer counts toward their load. Kept here so
    # that counting a mediator's load reads one index, not every case they ever had.
    case_in_progress = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        indexes = [
            models.Index(
                fields=["mediator", "case"],
                condition=models.Q(ended_at__isnull=True),
                name="assignment_active_mediator",
            ),
            models.Index(
                fields=["mediator"],
                condition=models.Q(ended_at__isnull=True, case_in_progress=True),
                name="assignment_load",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "mediator"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_assignment_per_mediator",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk}"
