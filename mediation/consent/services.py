"""Recording consent."""

from __future__ import annotations

import uuid

from django.utils import timezone

from mediation.consent.models import ConsentMethod, ConsentRecord
from mediation.consent.notices import Notice


def consent_record(
    *,
    party_id: uuid.UUID,
    notice: Notice,
    given: bool,
    language: str,
    method: ConsentMethod,
    recorded_by_id: int | None = None,
) -> ConsentRecord:
    """Record one person's answer to ``notice``; call inside the caller's transaction."""
    if method == ConsentMethod.VERBAL and recorded_by_id is None:
        raise ValueError("A verbal consent must name the staff member who recorded it.")
    return ConsentRecord.objects.create(
        party_id=party_id,
        purpose=notice.purpose,
        given=given,
        notice_version=notice.version,
        notice_digest=notice.digest(language),
        language=language,
        method=method,
        recorded_by_id=recorded_by_id,
    )


def consents_in_force(*, party_id: uuid.UUID) -> dict[str, bool]:
    """Return, per purpose, whether the party's latest answer is a consent not withdrawn."""
    latest: dict[str, bool] = {}
    for record in ConsentRecord.objects.filter(party_id=party_id).order_by("recorded_at"):
        latest[record.purpose] = record.given and record.withdrawn_at is None
    return latest


def consent_withdraw(*, party_id: uuid.UUID, purpose: str) -> int:
    """Mark the party's consents for ``purpose`` withdrawn now; return how many were open.

    Call inside the caller's transaction, with the change that follows from it.
    """
    return ConsentRecord.objects.filter(
        party_id=party_id, purpose=purpose, given=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
