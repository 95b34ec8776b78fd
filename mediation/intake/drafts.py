"""The resident's answers between pages: encrypted, expiring, cleared on submit and exit.

The draft row holds only ciphertext. Its key is random per draft and lives in
a signed, HttpOnly cookie in the resident's browser, never in the database or
the session table. Without the cookie a draft is unreadable; without the row
the cookie is useless.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record
from mediation.intake.models import RequestDraft
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher, CryptoError

IDLE_LIFETIME = timedelta(minutes=60)
_SALT = "mediation.intake.draft"
DRAFT_OBJECT_TYPE = "request_draft"


def cookie_name() -> str:
    return "__Host-draft" if settings.PRODUCTION else "draft"


@dataclass
class Draft:
    id: uuid.UUID
    key: bytes
    answers: dict[str, Any] = field(default_factory=dict)
    stored: bool = False

    @classmethod
    def new(cls) -> Draft:
        return cls(id=uuid.uuid4(), key=AESGCM.generate_key(bit_length=256))


def draft_load(request: HttpRequest) -> Draft | None:
    """Return the resident's draft, or None if there is none, it expired or it is unreadable."""
    token = request.COOKIES.get(cookie_name())
    if not token:
        return None
    try:
        draft_id, key = _parse(signing.loads(token, salt=_SALT, max_age=IDLE_LIFETIME))
    except (signing.BadSignature, ValueError):
        return None
    row = RequestDraft.objects.filter(pk=draft_id).first()
    if row is None:
        return None
    if row.expires_at <= timezone.now():
        row.delete()
        return None
    try:
        answers = json.loads(fields.decrypt(row, "answers", CaseCipher(key)) or "{}")
    except CryptoError:
        return None
    return Draft(id=draft_id, key=key, answers=answers, stored=True)


def draft_save(draft: Draft, response: HttpResponse) -> None:
    """Store ``draft`` encrypted, push its expiry forward, and give the browser its key."""
    row = RequestDraft(id=draft.id, expires_at=timezone.now() + IDLE_LIFETIME)
    fields.encrypt(
        row, "answers", json.dumps(draft.answers, ensure_ascii=False), CaseCipher(draft.key)
    )
    # An existing draft is updated in place (and re-inserted if purged meanwhile).
    row._state.adding = not draft.stored
    row.save()
    draft.stored = True
    token = signing.dumps(
        f"{draft.id}:{base64.urlsafe_b64encode(draft.key).decode('ascii')}", salt=_SALT
    )
    response.set_cookie(
        cookie_name(),
        token,
        max_age=int(IDLE_LIFETIME.total_seconds()),
        path="/",
        secure=settings.PRODUCTION,
        httponly=True,
        samesite="Lax",
    )


def draft_discard(request: HttpRequest, response: HttpResponse, draft: Draft | None = None) -> None:
    """Delete the resident's draft (``draft`` if already loaded), if any, and its cookie."""
    draft = draft or draft_load(request)
    if draft is not None:
        RequestDraft.objects.filter(pk=draft.id).delete()
    response.delete_cookie(cookie_name(), path="/", samesite="Lax")


def drafts_purge_expired(*, batch_size: int = 500) -> int:
    """Delete every expired draft, with an access event for each; return how many."""
    now = timezone.now()
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                RequestDraft.objects.select_for_update()
                .filter(expires_at__lte=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return deleted
            RequestDraft.objects.filter(pk__in=batch).delete()
            for draft_id in batch:
                access_event_record(
                    actor=Actor.system("purge_request_drafts"),
                    action=Action.DELETE,
                    object_type=DRAFT_OBJECT_TYPE,
                    object_id=draft_id,
                    purpose=Purpose.INTAKE,
                )
        deleted += len(batch)


def _parse(value: str) -> tuple[uuid.UUID, bytes]:
    draft_id, _, encoded = value.partition(":")
    try:
        key = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("bad draft key") from exc
    if len(key) != 32:
        raise ValueError("bad draft key")
    return uuid.UUID(draft_id), key
