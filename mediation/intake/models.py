"""The resident's answers between form pages, encrypted and short-lived."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.privacy.fields import EncryptedField


class RequestDraft(models.Model):
    """Answers given so far, encrypted with a key that only the resident's browser holds.

    The key travels in a signed, HttpOnly cookie and is never stored here, so
    the database alone cannot read a draft. Drafts are deleted on submit, on
    quick exit, when read after they expired, and by ``purge_request_drafts``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    answers = EncryptedField(logical_name="draft.answers")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("request draft")
        verbose_name_plural = _("request drafts")

    def __str__(self) -> str:
        return f"draft {self.pk}"
