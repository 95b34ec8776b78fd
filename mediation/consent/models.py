"""Consent, per person and per purpose, with the exact notice it was given against."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.choices import ChoiceLabels


class ConsentPurpose(models.TextChoices):
    MEDIATION = "mediation", _("Processing my request for mediation")
    CONTACT = "contact", _("Contacting me on the channel I chose")
    STATISTICS = "statistics", _("Counting my case in anonymous statistics")
    REFERRAL = "referral", _("Sharing with a named partner organisation")


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    VERBAL = "verbal", _("Verbal, recorded by staff")


class ConsentRecord(ChoiceLabels, models.Model):
    """One person's answer for one purpose.

    ``party_id`` is the plain id of the party (no foreign key: this app knows
    nothing of cases), so a case's erasure removes its consent records by id.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    party_id = models.UUIDField(db_index=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    scope = models.CharField(
        _("scope"),
        max_length=80,
        blank=True,
        help_text=_(
            "What a consent for this purpose is limited to, such as one named partner "
            "(partner:<short name>); empty when the purpose needs no scope."
        ),
    )
    given = models.BooleanField(_("given"))
    notice_version = models.CharField(_("notice version"), max_length=40)
    notice_digest = models.CharField(
        _("notice digest"), max_length=64, help_text=_("SHA-256 of the notice text as shown.")
    )
    language = models.CharField(_("language"), max_length=10)
    method = models.CharField(_("how given"), max_length=10, choices=ConsentMethod.choices)
    recorded_by_id = models.IntegerField(
        null=True, blank=True, help_text=_("Staff user who recorded a verbal consent.")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"consent {self.pk}"


PARTNER_SCOPE_PREFIX = "partner:"


def partner_scope(slug: str) -> str:
    """Return the scope of a consent to share with the partner organisation ``slug``."""
    return f"{PARTNER_SCOPE_PREFIX}{slug}"


def scope_partner(scope: str) -> str | None:
    """Return the partner's short name a consent's ``scope`` names, if it names one."""
    if not scope.startswith(PARTNER_SCOPE_PREFIX):
        return None
    return scope.removeprefix(PARTNER_SCOPE_PREFIX)
