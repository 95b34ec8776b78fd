"""Partner organisations a centre refers people to, and the referrals sent to them.

A partner is configuration (an administrator keeps the list in the Django
admin). A referral records what was sent to whom, as item codes and a digest
of the exact text: never a second copy of the personal data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import Community
from mediation.cases.models.core import Case, Party
from mediation.choices import ChoiceLabels


class PartnerKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("Legal aid")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    HOUSING_ADVICE = "housing_advice", _("Housing advice")
    OTHER = "other", _("Other")


class PacketLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")


class Partner(ChoiceLabels, models.Model):
    """An organisation the centres of some communities refer people to."""

    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Never change it: consents to share with the partner name it."),
    )
    name_en = models.CharField(_("name in English"), max_length=120)
    name_zh = models.CharField(_("name in Chinese"), max_length=120)
    kind = models.CharField(_("kind of service"), max_length=20, choices=PartnerKind.choices)
    email = models.EmailField(
        _("email for referrals"),
        help_text=_("The organisation's address for referrals; the packet is sent here."),
    )
    language = models.CharField(
        _("language of referrals"),
        max_length=10,
        choices=PacketLanguage.choices,
        default=PacketLanguage.ENGLISH,
    )
    communities = models.ManyToManyField(
        Community,
        related_name="partners",
        blank=True,
        verbose_name=_("communities it serves"),
    )
    is_active = models.BooleanField(_("taking referrals"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def display_name(self, language_code: str | None) -> str:
        """Return the partner's name in the given language (English otherwise)."""
        if language_code and language_code.lower().startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en


class ReferralItem(models.TextChoices):
    """What a referral packet may hold: this list and nothing more."""

    CATEGORY = "category", _("The kind of dispute")
    LANGUAGE = "language", _("Their preferred language")
    CONTACT = "contact", _("How and when to contact them")
    DESCRIPTION = "description", _("The description of the dispute, as the requester gave it")


class Referral(models.Model):
    """One packet sent to a partner about one party, on that party's consent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    shared = models.JSONField(
        _("items shared"), default=list, help_text=_("Codes of the items the packet held.")
    )
    packet_digest = models.CharField(
        _("packet digest"),
        max_length=64,
        help_text=_("SHA-256 of the exact text sent; the text itself is not kept."),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["case", "sent_at"], name="referral_case_sent")]

    def __str__(self) -> str:
        return f"referral {self.pk}"
