"""Recording consent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from mediation.compiled import CompiledQuery
from mediation.consent.models import ConsentMethod, ConsentPurpose, ConsentRecord
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
    if notice.purpose == ConsentPurpose.REFERRAL and not notice.scope:
        raise ValueError("A consent to share must name the partner (REFERRAL_NOTICE.naming).")
    return ConsentRecord.objects.create(
        party_id=party_id,
        purpose=notice.purpose,
        scope=notice.scope,
        given=given,
        notice_version=notice.version,
        notice_digest=notice.digest(language),
        language=language,
        method=method,
        recorded_by_id=recorded_by_id,
    )


@dataclass(frozen=True)
class ConsentsInForce:
    """A party's live consents: per unscoped purpose, and the scopes of scoped ones."""

    purposes: dict[str, bool]
    scopes: dict[str, list[str]]


# Every status page reads them: compiled once (CompiledQuery, decision 0016).
_ANSWERS = CompiledQuery(
    lambda party_id: ConsentRecord.objects.filter(party_id=party_id)
    .order_by("recorded_at")
    .values_list("purpose", "scope", "given", "withdrawn_at")
)


def consents_in_force_all(*, party_id: uuid.UUID) -> ConsentsInForce:
    """Return the party's live consents, unscoped and scoped, from one query.

    A consent is live when the latest answer for its purpose (and scope) is a
    consent not withdrawn.
    """
    plain: dict[str, bool] = {}
    scoped: dict[tuple[str, str], bool] = {}
    for purpose, scope, given, withdrawn_at in _ANSWERS.fetch(party_id):
        live = given and withdrawn_at is None
        if scope:
            scoped[purpose, scope] = live
        else:
            plain[purpose] = live
    scopes: dict[str, list[str]] = {}
    for (purpose, scope), live in scoped.items():
        if live:
            scopes.setdefault(purpose, []).append(scope)
    return ConsentsInForce(purposes=plain, scopes=scopes)


def consents_in_force(*, party_id: uuid.UUID) -> dict[str, bool]:
    """Return, per purpose, whether the party's latest answer is a consent not withdrawn.

    Only consents without a scope count here; a consent limited to one partner
    answers ``consent_in_force`` for that scope and nothing broader.
    """
    return consents_in_force_all(party_id=party_id).purposes


def consent_in_force(*, party_id: uuid.UUID, purpose: str, scope: str = "") -> bool:
    """Return whether the party's latest answer for ``purpose`` and ``scope`` is a live consent."""
    latest = (
        ConsentRecord.objects.filter(party_id=party_id, purpose=purpose, scope=scope)
        .order_by("-recorded_at")
        .only("given", "withdrawn_at")
        .first()
    )
    return latest is not None and latest.given and latest.withdrawn_at is None


def consent_scopes_in_force(*, party_id: uuid.UUID, purpose: str) -> dict[str, ConsentRecord]:
    """Return, per scope, the party's live consent for ``purpose`` (the latest answer given)."""
    latest: dict[str, ConsentRecord] = {}
    records = ConsentRecord.objects.filter(party_id=party_id, purpose=purpose).exclude(scope="")
    for record in records.order_by("recorded_at"):
        latest[record.scope] = record
    return {
        scope: record
        for scope, record in latest.items()
        if record.given and record.withdrawn_at is None
    }


def consent_withdraw(*, party_id: uuid.UUID, purpose: str, scope: str | None = None) -> int:
    """Mark the party's consents for ``purpose`` withdrawn now; return how many were open.

    With ``scope``, only the consents limited to it; without, every consent for
    the purpose, whatever its scope. Call inside the caller's transaction, with
    the change that follows from it.
    """
    records = ConsentRecord.objects.filter(
        party_id=party_id, purpose=purpose, given=True, withdrawn_at__isnull=True
    )
    if scope is not None:
        records = records.filter(scope=scope)
    return records.update(withdrawn_at=timezone.now())
