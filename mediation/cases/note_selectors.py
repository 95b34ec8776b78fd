"""Reads of case notes, scoped and decrypted, with one access event per page.

Shared notes: the case's coordinators and its active mediators. Private
caucus notes (tied to one party): the case's active mediators only, not a
coordinator who is not mediating it, never a resident.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from mediation.accounts.models import User
from mediation.accounts.selectors import StaffScope, staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import Case, CaseAssignment, Note, NoteKind, Party, PartyRole
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher


def mediates_case(*, scope: StaffScope, case: Case) -> bool:
    """Return whether the user is an active mediator of ``case`` (whatever else they are)."""
    return (
        scope.is_mediator
        and CaseAssignment.objects.filter(
            case=case, mediator_id=scope.user_id, ended_at__isnull=True
        ).exists()
    )


@dataclass(frozen=True)
class NoteLine:
    id: uuid.UUID
    created_at: datetime.datetime
    author: str
    is_caucus: bool
    party_role: str
    text: str


@dataclass(frozen=True)
class CaucusParty:
    party_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class CaseNotes:
    case: Case
    role: ActorRole
    notes: list[NoteLine]
    # The parties a caucus note may be tied to; empty for those who may not write one.
    caucus_parties: list[CaucusParty]

    @property
    def sees_caucus(self) -> bool:
        return bool(self.caucus_parties)


def caucus_parties_of(case: Case) -> list[CaucusParty]:
    roles = {value: str(label) for value, label in PartyRole.choices}
    # "requester" sorts after "other_party": descending puts the requester first.
    parties = Party.objects.filter(case=case).only("id", "role").order_by("-role", "created_at")
    return [CaucusParty(party_id=p.pk, role=roles.get(p.role, p.role)) for p in parties]


def notes_for_case(*, user: User, reference: str) -> CaseNotes:
    """Return the notes ``user`` may read on the case, decrypted, and log the view.

    Raise ``CaseNotFound`` (logged) when the case is out of scope.
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.VIEW)
    case = scoped.case
    mediator = mediates_case(scope=staff_scope(user=user), case=case)
    rows = (
        Note.objects.filter(case=case)
        .select_related("author", "party")
        .only(
            "id",
            "case_id",
            "kind",
            "text",
            "created_at",
            "author__username",
            "party__id",
            "party__role",
        )
        .order_by("created_at", "id")
    )
    if not mediator:
        rows = rows.filter(kind=NoteKind.SHARED)
    notes = list(rows)
    cipher = CaseCipher.for_data_key(case.data_key)
    roles = {value: str(label) for value, label in PartyRole.choices}
    access_event_record(
        actor=Actor.staff(user.pk, scoped.role),
        action=Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    return CaseNotes(
        case=case,
        role=scoped.role,
        notes=[
            NoteLine(
                id=note.pk,
                created_at=note.created_at,
                author=note.author.username,
                is_caucus=note.kind == NoteKind.CAUCUS,
                party_role=roles.get(note.party.role, "") if note.party else "",
                text=fields.decrypt(note, "text", cipher) or "",
            )
            for note in notes
        ],
        caucus_parties=caucus_parties_of(case) if mediator else [],
    )


@dataclass(frozen=True)
class NoteFormContext:
    case: Case
    caucus_parties: list[CaucusParty]


def note_form_context(*, user: User, reference: str) -> NoteFormContext:
    """Return what the add-note form offers ``user`` on the case; no note is read.

    Parties are named by role only, so no access event is written (a refusal is).
    """
    scoped = case_in_scope(user=user, reference=reference, action=Action.CREATE)
    mediator = mediates_case(scope=staff_scope(user=user), case=scoped.case)
    return NoteFormContext(
        case=scoped.case, caucus_parties=caucus_parties_of(scoped.case) if mediator else []
    )
