"""Mediator profiles, conflict-of-interest declarations, objections, and assignment checks.

Community membership is not stored here: a mediator belongs to the
communities where they hold the mediator role (``accounts.RoleAssignment``).
Who is assigned to a case is ``cases.CaseAssignment``; this app decides who
may be, and records how that was checked.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.cases.models import Case, CaseAssignment, Party
from mediation.choices import ChoiceLabels

DEFAULT_MAX_ACTIVE_CASES = 5


class Language(models.TextChoices):
    """Languages a mediator can hold sessions in: the languages residents can choose."""

    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Chinese")


class Availability(models.TextChoices):
    """Coarse weekly times a mediator is usually free for sessions."""

    WEEKDAY_MORNINGS = "weekday_mornings", _("Weekday mornings")
    WEEKDAY_AFTERNOONS = "weekday_afternoons", _("Weekday afternoons")
    WEEKDAY_EVENINGS = "weekday_evenings", _("Weekday evenings")
    WEEKEND_MORNINGS = "weekend_mornings", _("Weekend mornings")
    WEEKEND_AFTERNOONS = "weekend_afternoons", _("Weekend afternoons")
    WEEKEND_EVENINGS = "weekend_evenings", _("Weekend evenings")


class MediatorProfile(models.Model):
    """What a coordinator needs to know to suggest a mediator for a case.

    Languages, dispute categories and availability are lists of codes (the
    choices above and ``cases.Category``), kept sorted and unique by
    ``services.mediator_profile_update``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator_profile"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    categories = models.JSONField(_("kinds of dispute"), default=list, blank=True)
    availability = models.JSONField(_("usually free"), default=list, blank=True)
    max_active_cases = models.PositiveSmallIntegerField(
        _("most cases at once"), default=DEFAULT_MAX_ACTIVE_CASES
    )
    is_available = models.BooleanField(
        _("taking new cases"),
        default=True,
        help_text=_("Off while the mediator is away or full: they are not suggested."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mediator profile")
        verbose_name_plural = _("mediator profiles")

    def __str__(self) -> str:
        return f"mediator profile {self.pk}"


class ConflictDeclaration(models.Model):
    """A person a mediator knows, as a keyed hash of their normalised name only.

    The name itself is never stored, so nobody (the mediator included) can
    read the list back; it can only be compared with a party's name hash.
    """

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    name_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        # Leads with the mediator: serves "this mediator's declarations among these
        # hashes", never "who declared this name" across mediators.
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "name_hash"], name="one_declaration_per_name"
            ),
        ]

    def __str__(self) -> str:
        return f"declaration {self.pk}"


class MediatorObjection(models.Model):
    """A party's objection to a mediator on their case, recorded by staff; it blocks assigning."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediator_objections")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="mediator_objections")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections_received"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("objection to a mediator")
        verbose_name_plural = _("objections to mediators")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party", "mediator"], name="one_objection_per_party_and_mediator"
            ),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk}"


class ConflictResult(models.TextChoices):
    """What the conflict-of-interest check found for one mediator and one case."""

    NO_CONFLICT = "no_conflict", _("No conflict found")
    CANNOT_CHECK = "cannot_check", _("Cannot check: a party gave no name")
    CONFLICT = "conflict", _("Conflict found: cannot assign")


class AssignmentCheck(ChoiceLabels, models.Model):
    """The conflict-of-interest check made when a mediator was assigned.

    A conflict blocks the assignment, so the result is "no conflict" or
    "cannot check"; for the second the coordinator confirmed, in person, that
    the mediator knows none of the parties. The timeline events for the
    assignment name this record as their subject.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.OneToOneField(
        CaseAssignment, on_delete=models.CASCADE, related_name="conflict_check"
    )
    result = models.CharField(max_length=12, choices=ConflictResult.choices)
    confirmed_in_person = models.BooleanField(default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment check")
        verbose_name_plural = _("assignment checks")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(result="conflict"), name="assignment_check_not_conflict"
            ),
            models.CheckConstraint(
                condition=~models.Q(result="cannot_check", confirmed_in_person=False),
                name="cannot_check_needs_confirmation",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment check {self.pk}"
