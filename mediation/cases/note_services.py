"""Writing case notes: encrypted with the case key, with a timeline and an access event."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import EventKind, Note, NoteKind, Party
from mediation.cases.note_selectors import mediates_case
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.validators import NOTE_MAX
from mediation.cases.workflow import timeline_record
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from mediation.privacy.text import has_control_characters

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class NoteRefused(Exception):
    """The note cannot be added; ``message`` says why, for the person writing it."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


def note_add(
    *, user: User, reference: str, kind: NoteKind, text: str, party_id: uuid.UUID | None = None
) -> Note:
    """Add a note to the case: shared, or a private caucus note tied to ``party_id``.

    Only the case's active mediators may write (and read) caucus notes.
    Raise ``CaseNotFound`` when the case is out of scope and ``NoteRefused``
    (logged) when the note is not allowed.
    """
    text = text.strip()
    with transaction.atomic():
        scoped = case_in_scope(user=user, reference=reference, action=Action.CREATE)
        case = scoped.case
        problem: StrPromise | None = None
        if not text or len(text) > NOTE_MAX or has_control_characters(text):
            problem = _("Write the note in up to 5000 characters, without special characters.")
        elif kind == NoteKind.CAUCUS:
            if not mediates_case(scope=staff_scope(user=user), case=case):
                problem = _("Only the case's mediators can write caucus notes.")
            elif party_id is None or not Party.objects.filter(case=case, pk=party_id).exists():
                problem = _("Choose the party this caucus note is about.")
        elif kind != NoteKind.SHARED or party_id is not None:
            problem = _("Choose who may read the note.")
        if problem is not None:
            access_event_record_refused(
                actor=Actor.staff(user.pk, scoped.role),
                action=Action.CREATE,
                object_type=OBJECT_TYPE,
                object_id=case.pk,
                purpose=Purpose.CASEWORK,
                community_id=case.community_id,
            )
            raise NoteRefused(problem)
        note = Note(
            id=uuid.uuid4(),
            case=case,
            kind=kind,
            party_id=party_id if kind == NoteKind.CAUCUS else None,
            author=user,
        )
        fields.encrypt(note, "text", text, CaseCipher.for_data_key(case.data_key))
        note.save(force_insert=True)
        timeline_record(case=case, kind=EventKind.NOTE_ADDED, user=user, subject_id=note.pk)
        access_event_record(
            actor=Actor.staff(user.pk, scoped.role),
            action=Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            purpose=Purpose.CASEWORK,
            community_id=case.community_id,
        )
    return note
