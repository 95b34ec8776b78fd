"""Recording consent."""

from __future__ import annotations

import uuid

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
