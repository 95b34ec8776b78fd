"""Per-case data keys (envelope encryption)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.choices import ChoiceLabels


class DataKey(models.Model):
    """A random AES-256 key for one case, stored only wrapped by a master key.

    Every personal field of the case and its parties is encrypted with it;
    deleting this row makes all of them unreadable at once (crypto-shredding).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    master_key_id = models.CharField(
        _("master key id"),
        max_length=16,
        db_index=True,
        help_text=_("Fingerprint of the master key that wrapped this key."),
    )
    wrapped_key = models.BinaryField(_("wrapped key"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"data key {self.pk}"


class RequestKind(models.TextChoices):
    ERASURE = "erasure", _("Erasure")
    ACCESS = "access", _("Access to their data")


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused, with reasons given to the person")


class DataSubjectRequest(ChoiceLabels, models.Model):
    """A person's request about their data (GDPR Art. 15, 17), with its one-month deadline.

    Holds plain ids only: the privacy app knows nothing of cases.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    party_id = models.UUIDField(db_index=True)
    case_id = models.UUIDField(db_index=True)
    community_id = models.IntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    due_by = models.DateField(_("answer due by"))

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")

    def __str__(self) -> str:
        return f"data subject request {self.pk}"
