"""Reads of agreements: scoped to the case team, decrypted explicitly, and logged.

The terms are personal data of the party whose copy they are: each copy shown
or printed writes its own access event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, IntegerField, Subquery
from django.utils import timezone
from django.utils.translation import get_language_info

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import (
    access_event_record,
    access_event_record_refused,
    access_events_record,
)
from mediation.cases.agreement_pdf import AgreementDocument
from mediation.cases.models import Agreement, AgreementCopy, Case, Party, PartyRole, Status
from mediation.cases.selectors import CaseNotFound, case_in_scope
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

AGREEMENT_COPY = "agreement_copy"
# Acceptance may be recorded after the case has moved on (a copy signed on
# paper in the last session and brought back later); never once it is closed.
ACCEPTANCE_STATUSES = frozenset({Status.SESSIONS, Status.AGREEMENT, Status.FOLLOW_UP})


def copy_language(language: str) -> str:
    """Return ``language`` if agreements can be written in it, else the site's default."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """Return the language's name in that language (what its speaker recognises)."""
    return str(get_language_info(code)["name_local"])


def agreement_current(case: Case) -> Agreement | None:
    """Return the case's agreement as it stands (the latest version), or None."""
    return case.agreements.order_by("-recorded_at", "-id").first()


def _party_order(party: Party) -> tuple[int, datetime]:
    return (0 if party.role == PartyRole.REQUESTER else 1, party.created_at)


def _role_labels() -> dict[str, str]:
    return {value: str(label) for value, label in PartyRole.choices}


def _record_view(*, user: User, role: ActorRole, case: Case, copy_id: uuid.UUID) -> None:
    access_event_record(
        actor=Actor.staff(user.pk, role),
        action=Action.VIEW,
        object_type=AGREEMENT_COPY,
        object_id=copy_id,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )


@dataclass(frozen=True)
class CopyLine:
    """One party's copy, as the agreement page shows it."""

    id: uuid.UUID
    party_role: str
    party_role_label: str
    language: str
    language_name: str
    terms: str
    accepted_at: datetime | None
    acceptance_recorded_by: str


@dataclass(frozen=True)
class AgreementPage:
    case: Case
    role: ActorRole
    agreement: Agreement | None
    copies: list[CopyLine]
    earlier_versions: int
    follow_up_dates: list[date]
    can_write: bool
    can_record_acceptance: bool

    @property
    def is_coordinator(self) -> bool:
        return self.role == ActorRole.COORDINATOR


def _can_write(case: Case, copies: list[AgreementCopy]) -> bool:
    return case.status == Status.SESSIONS and not any(c.accepted_at for c in copies)


def _current_copies(case: Case) -> list[AgreementCopy]:
    """Return the copies of the case's latest agreement, requester first, in one query.

    Each row carries its agreement (``row.agreement``) and the number of
    versions the case has (``row.versions``). Every agreement is written with
    a copy per party, so no rows means no agreement.
    """
    latest = case.agreements.order_by("-recorded_at", "-id").values("pk")[:1]
    versions = (
        Agreement.objects.filter(case=case)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        AgreementCopy.objects.filter(agreement_id=Subquery(latest))
        .select_related("agreement", "party", "acceptance_recorded_by")
        .annotate(versions=Subquery(versions, output_field=IntegerField()))
    )
    return sorted(rows, key=lambda row: _party_order(row.party))


def agreement_page_for_user(*, user: User, reference: str) -> AgreementPage:
    """Return the case's current agreement with every copy decrypted; log each copy shown.

    Raise ``CaseNotFound`` (logged) when the case is out of ``user``'s scope.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    rows = _current_copies(case)
    agreement = rows[0].agreement if rows else None
    lines: list[CopyLine] = []
    if rows:
        cipher = CaseCipher.for_data_key(case.data_key)
        labels = _role_labels()
        for row in rows:
            lines.append(
                CopyLine(
                    id=row.pk,
                    party_role=row.party.role,
                    party_role_label=labels.get(row.party.role, ""),
                    language=row.language,
                    language_name=language_name(copy_language(row.language)),
                    terms=fields.decrypt(row, "terms", cipher) or "",
                    accepted_at=row.accepted_at,
                    acceptance_recorded_by=(
                        row.acceptance_recorded_by.username if row.acceptance_recorded_by else ""
                    ),
                )
            )
        access_events_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.VIEW,
            object_type=AGREEMENT_COPY,
            object_ids=[row.pk for row in rows],
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return AgreementPage(
        case=case,
        role=scoped.role,
        agreement=agreement,
        copies=lines,
        earlier_versions=rows[0].versions - 1 if rows else 0,  # type: ignore[attr-defined]
        follow_up_dates=(
            list(agreement.follow_ups.order_by("due_on").values_list("due_on", flat=True))
            if agreement is not None
            else []
        ),
        can_write=_can_write(case, rows),
        can_record_acceptance=agreement is not None and case.status in ACCEPTANCE_STATUSES,
    )


@dataclass(frozen=True)
class PartySlot:
    """A party the agreement needs terms for, with the terms written so far."""

    party_id: uuid.UUID
    role: str
    role_label: str
    language: str
    terms: str


@dataclass(frozen=True)
class AgreementDraft:
    case: Case
    role: ActorRole
    slots: list[PartySlot]
    can_write: bool
    is_change: bool


def agreement_draft_for_user(*, user: User, reference: str) -> AgreementDraft:
    """Return what the agreement form needs: each party, and the current terms to edit.

    Showing the current terms to change them decrypts them: each copy shown is logged.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    agreement = agreement_current(case)
    copies: dict[uuid.UUID, AgreementCopy] = {}
    if agreement is not None:
        copies = {copy.party_id: copy for copy in agreement.copies.all()}
    can_write = _can_write(case, list(copies.values()))
    cipher = CaseCipher.for_data_key(case.data_key) if copies and can_write else None
    labels = _role_labels()
    slots = []
    for party in sorted(case.parties.all(), key=_party_order):
        copy = copies.get(party.pk)
        terms = ""
        if copy is not None and cipher is not None:
            terms = fields.decrypt(copy, "terms", cipher) or ""
            _record_view(user=user, role=scoped.role, case=case, copy_id=copy.pk)
        slots.append(
            PartySlot(
                party_id=party.pk,
                role=party.role,
                role_label=labels.get(party.role, ""),
                language=copy_language(copy.language if copy is not None else party.language),
                terms=terms,
            )
        )
    return AgreementDraft(
        case=case, role=scoped.role, slots=slots, can_write=can_write, is_change=bool(copies)
    )


def agreement_copy_for_print(
    *, user: User, reference: str, copy_id: uuid.UUID
) -> AgreementDocument:
    """Return one copy of the case's current agreement, ready to print; log a PRINT event.

    A copy of an earlier version or of another case is "not found", logged
    like a case out of scope.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.PRINT)
    case = scoped.case
    agreement = agreement_current(case)
    copy = (
        agreement.copies.select_related("party").filter(pk=copy_id).first()
        if agreement is not None
        else None
    )
    if agreement is None or copy is None:
        access_event_record_refused(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.PRINT,
            object_type=AGREEMENT_COPY,
            object_id=None,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
        raise CaseNotFound
    cipher = CaseCipher.for_data_key(case.data_key)
    document = AgreementDocument(
        reference=case.reference,
        community=case.community,
        language=copy_language(copy.language),
        party_role=copy.party.role,
        terms=fields.decrypt(copy, "terms", cipher) or "",
        recorded_on=timezone.localdate(agreement.recorded_at),
        accepted_on=timezone.localdate(copy.accepted_at) if copy.accepted_at else None,
        follow_up_dates=tuple(
            agreement.follow_ups.order_by("due_on").values_list("due_on", flat=True)
        ),
    )
    access_event_record(
        actor=Actor.staff(user.pk, scoped.role),
        action=Action.PRINT,
        object_type=AGREEMENT_COPY,
        object_id=copy.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    return document
