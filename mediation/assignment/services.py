"""Changes to who mediates: assigning and removing mediators, objections, deactivation.

Every function runs in one transaction, checks that the acting user may do
it, and writes the change, its timeline event and its access event
together. A refusal changes nothing, says why in ``AssignmentRefused`` and
is logged so that the rollback cannot remove it. A mediator changes their
own profile and declarations; a coordinator may change a profile too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import Role, RoleAssignment, User
from mediation.accounts.selectors import staff_scope
from mediation.accounts.services import user_deactivate
from mediation.assignment.conflicts import conflict_check, name_hash
from mediation.assignment.models import (
    AssignmentCheck,
    Availability,
    ConflictDeclaration,
    ConflictResult,
    Language,
    MediatorObjection,
    MediatorProfile,
)
from mediation.assignment.rules import status_problem
from mediation.assignment.selectors import (
    DECLARATIONS_OBJECT,
    PROFILE_OBJECT,
    MediatorNotFound,
    mediator_for_coordinator,
)
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    FINISHED_STATUSES,
    AssignmentRole,
    Case,
    CaseAssignment,
    Category,
    EventKind,
    Party,
    Status,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.session_services import session_bookings_release
from mediation.cases.workflow import case_transition, timeline_record

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class AssignmentRefused(Exception):
    """The change is not allowed; ``message`` says why, for the person acting."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


def _coordinator(user: User) -> Actor:
    return Actor.staff(user.pk, ActorRole.COORDINATOR)


def _refuse(user: User, case: Case, message: StrPromise | str) -> AssignmentRefused:
    access_event_record_refused(
        actor=_coordinator(user),
        action=Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )
    return AssignmentRefused(message)


def _record_change(user: User, case: Case) -> None:
    access_event_record(
        actor=_coordinator(user),
        action=Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.CASEWORK,
        community_id=case.community_id,
    )


def _community_mediator(case: Case, mediator_id: int) -> User | None:
    """Return the user if they hold the mediator role in the case's community, active or not."""
    return User.objects.filter(
        pk=mediator_id,
        role_assignments__role=Role.MEDIATOR,
        role_assignments__community_id=case.community_id,
    ).first()


def _end(assignment: CaseAssignment, *, user: User, now: object, leaves_case: bool = True) -> None:
    """End ``assignment``; if the mediator leaves the case, free their sessions still to come."""
    CaseAssignment.objects.filter(pk=assignment.pk).update(ended_at=now)
    if leaves_case:
        session_bookings_release(case=assignment.case, mediator_id=assignment.mediator_id)
    check = AssignmentCheck.objects.filter(assignment=assignment).values_list("pk", flat=True)
    timeline_record(
        case=assignment.case,
        kind=EventKind.MEDIATOR_REMOVED,
        user=user,
        subject_id=check.first(),
    )


def mediator_assign(
    *,
    user: User,
    reference: str,
    mediator_id: int,
    role: str,
    confirmed_in_person: bool = False,
) -> CaseAssignment:
    """Assign a mediator of the case's community as lead or co-mediator; return the assignment.

    Refused on a conflict of interest, on a party's objection, and when the
    check cannot be made (a party gave no name) unless the coordinator
    confirms they checked in person. A new lead replaces the current one,
    whose assignment is ended, not deleted. The case's status is not changed:
    the coordinator moves it on when the mediators are in place.
    """
    with transaction.atomic():
        case = case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            coordinator_only=True,
            for_update=True,
        ).case
        if role not in AssignmentRole.values:
            raise _refuse(user, case, _("Choose lead mediator or co-mediator."))
        problem = status_problem(case)
        if problem is not None:
            raise _refuse(user, case, problem)
        mediator = _community_mediator(case, mediator_id)
        if mediator is None:
            raise _refuse(user, case, _("Choose a mediator of this case's community."))
        if not mediator.is_active:
            raise _refuse(user, case, _("This mediator's account is deactivated."))
        on_case = CaseAssignment.objects.filter(case=case, ended_at__isnull=True)
        if on_case.filter(mediator=mediator, role=role).exists():
            raise _refuse(user, case, _("This mediator is already on the case in that role."))
        if MediatorObjection.objects.filter(case=case, mediator=mediator).exists():
            raise _refuse(
                user, case, _("A party has objected to this mediator. Choose another mediator.")
            )
        result = conflict_check(case=case, mediator=mediator)
        if result == ConflictResult.CONFLICT:
            raise _refuse(
                user,
                case,
                _(
                    "Conflict of interest: this mediator has declared that they know someone "
                    "in this case. Choose another mediator."
                ),
            )
        if result == ConflictResult.CANNOT_CHECK and not confirmed_in_person:
            raise _refuse(
                user,
                case,
                _(
                    "A party gave no name, so the conflict-of-interest check cannot be made. "
                    "Check in person that there is no conflict, then tick the box to confirm."
                ),
            )
        now = timezone.now()
        replaced = Q(mediator=mediator)
        if role == AssignmentRole.LEAD:
            replaced |= Q(role=AssignmentRole.LEAD)
        for old in on_case.filter(replaced).select_related("case"):
            # A co-mediator made lead stays on the case: their bookings stay too.
            _end(old, user=user, now=now, leaves_case=old.mediator_id != mediator.pk)
        assignment = CaseAssignment.objects.create(
            case=case,
            mediator=mediator,
            role=role,
            assigned_at=now,
            case_in_progress=case.status not in FINISHED_STATUSES,
        )
        check = AssignmentCheck.objects.create(
            assignment=assignment,
            result=result,
            confirmed_in_person=result == ConflictResult.CANNOT_CHECK,
            checked_by=user,
            checked_at=now,
        )
        timeline_record(case=case, kind=EventKind.MEDIATOR_ASSIGNED, user=user, subject_id=check.pk)
        _record_change(user, case)
    return assignment


def mediator_unassign(*, user: User, reference: str, assignment_id: int) -> CaseAssignment:
    """Take a mediator off the case: the assignment is ended and kept in the history."""
    with transaction.atomic():
        case = case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            coordinator_only=True,
            for_update=True,
        ).case
        assignment = (
            CaseAssignment.objects.filter(pk=assignment_id, case=case, ended_at__isnull=True)
            .select_related("case")
            .first()
        )
        if assignment is None:
            raise _refuse(user, case, _("That mediator is no longer on the case."))
        now = timezone.now()
        _end(assignment, user=user, now=now)
        assignment.ended_at = now
        _record_change(user, case)
    return assignment


def case_mark_assigned(*, user: User, reference: str) -> None:
    """Move the case from screening to assigned (the workflow checks there is a lead).

    Coordinators only: anyone else gets the 404 of a case out of scope.
    """
    with transaction.atomic():
        case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            coordinator_only=True,
            for_update=True,
        )
        case_transition(user=user, reference=reference, target=Status.ASSIGNED)


def objection_record(
    *, user: User, reference: str, party_id: str, mediator_id: int
) -> MediatorObjection:
    """Record that a party objects to a mediator; from then on the mediator cannot be assigned.

    A mediator already on the case stays on it until the coordinator takes
    them off (the assignment page shows the objection beside them).
    """
    with transaction.atomic():
        case = case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            coordinator_only=True,
            for_update=True,
        ).case
        party = Party.objects.filter(pk=party_id, case=case).only("pk").first()
        mediator = _community_mediator(case, mediator_id)
        if party is None or mediator is None:
            raise _refuse(user, case, _("Choose a party of this case and a mediator."))
        if MediatorObjection.objects.filter(case=case, party=party, mediator=mediator).exists():
            raise _refuse(user, case, _("This objection is already recorded."))
        objection = MediatorObjection.objects.create(
            case=case, party=party, mediator=mediator, recorded_by=user
        )
        _record_change(user, case)
    return objection


def mediator_deactivate(*, user: User, mediator_id: int) -> User:
    """Deactivate a mediator who has left: their account stops and every session ends.

    Their assignments stay active, so their cases are listed for reassignment
    (``selectors.cases_to_reassign``) until a coordinator assigns someone
    else; their bookings for sessions still to come are cancelled. Only a
    coordinator of every community the person works in, and only for someone
    who is a mediator and nothing else, may do it; anyone else is for an
    administrator.
    """
    with transaction.atomic():
        mediator = mediator_for_coordinator(user=user, mediator_id=mediator_id)
        scope = staff_scope(user=user)
        roles = list(RoleAssignment.objects.filter(user=mediator).values_list("role", "community"))
        outside = [
            (role, community)
            for role, community in roles
            if role != Role.MEDIATOR or community not in scope.coordinator_of
        ]
        problem: StrPromise | None = None
        if mediator.pk == user.pk:
            problem = _("You cannot deactivate your own account.")
        elif not mediator.is_active:
            problem = _("This mediator's account is already deactivated.")
        elif outside:
            problem = _(
                "This person also works in another role or community. "
                "Ask an administrator to deactivate their account."
            )
        if problem is not None:
            access_event_record_refused(
                actor=_coordinator(user),
                action=Action.UPDATE,
                object_type="staff_user",
                object_id=mediator.pk,
                purpose=Purpose.CASEWORK,
            )
            raise AssignmentRefused(problem)
        user_deactivate(user=mediator, actor=_coordinator(user))
        # They will not come: free their sessions still to come, so that whoever
        # takes over can be booked. The assignments stay, to list the cases.
        for case in Case.objects.filter(
            assignments__mediator=mediator, assignments__ended_at__isnull=True
        ).distinct():
            session_bookings_release(case=case, mediator_id=mediator.pk)
    return mediator


# ---- a mediator's own records -------------------------------------------------


def _own_records(user: User, object_type: str) -> Actor:
    """Return the actor for a mediator changing their own records; refuse anyone else (404)."""
    scope = staff_scope(user=user)
    if not scope.is_mediator:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.UPDATE,
            object_type=object_type,
            object_id=user.pk,
            purpose=Purpose.CASEWORK,
        )
        raise MediatorNotFound
    return Actor.staff(user.pk, ActorRole.MEDIATOR)


@dataclass(frozen=True)
class DeclarationsAdded:
    added: int
    already: int


def declarations_add(*, user: User, names: list[str]) -> DeclarationsAdded:
    """Declare that ``user`` knows these people; only keyed hashes of the names are kept.

    Names that normalise to nothing are ignored; a name declared before is
    counted in ``already`` and not stored twice.
    """
    hashes = {value for value in (name_hash(name) for name in names) if value}
    with transaction.atomic():
        actor = _own_records(user, DECLARATIONS_OBJECT)
        existing = set(
            ConflictDeclaration.objects.filter(mediator=user, name_hash__in=hashes).values_list(
                "name_hash", flat=True
            )
        )
        new = sorted(hashes - existing)
        ConflictDeclaration.objects.bulk_create(
            [ConflictDeclaration(mediator=user, name_hash=value) for value in new],
            ignore_conflicts=True,
        )
        if new:
            access_event_record(
                actor=actor,
                action=Action.CREATE,
                object_type=DECLARATIONS_OBJECT,
                object_id=user.pk,
                purpose=Purpose.CASEWORK,
            )
    return DeclarationsAdded(added=len(new), already=len(existing))


def declaration_remove(*, user: User, name: str) -> bool:
    """Remove one declared name, typed again as declared; return whether it was there."""
    value = name_hash(name)
    with transaction.atomic():
        actor = _own_records(user, DECLARATIONS_OBJECT)
        deleted, _rows = ConflictDeclaration.objects.filter(mediator=user, name_hash=value).delete()
        if deleted:
            access_event_record(
                actor=actor,
                action=Action.DELETE,
                object_type=DECLARATIONS_OBJECT,
                object_id=user.pk,
                purpose=Purpose.CASEWORK,
            )
    return bool(deleted)


def declarations_clear(*, user: User) -> int:
    """Remove every declaration of ``user`` (to declare again from scratch); return how many."""
    with transaction.atomic():
        actor = _own_records(user, DECLARATIONS_OBJECT)
        deleted, _rows = ConflictDeclaration.objects.filter(mediator=user).delete()
        if deleted:
            access_event_record(
                actor=actor,
                action=Action.DELETE,
                object_type=DECLARATIONS_OBJECT,
                object_id=user.pk,
                purpose=Purpose.CASEWORK,
            )
    return deleted


@dataclass(frozen=True)
class ProfileChanges:
    languages: list[str]
    categories: list[str]
    availability: list[str]
    max_active_cases: int
    is_available: bool


def _codes(values: list[str], allowed: list[str]) -> list[str]:
    return [code for code in allowed if code in values]


def mediator_profile_update(
    *, user: User, changes: ProfileChanges, mediator_id: int | None = None
) -> MediatorProfile:
    """Save a mediator's profile: their own (no ``mediator_id``), or one a coordinator manages.

    Codes outside the choices are dropped; lists are kept in the choices' order.
    """
    with transaction.atomic():
        if mediator_id is None or mediator_id == user.pk:
            actor = _own_records(user, PROFILE_OBJECT)
            mediator = user
        else:
            mediator = mediator_for_coordinator(user=user, mediator_id=mediator_id)
            actor = _coordinator(user)
        profile, _created = MediatorProfile.objects.select_for_update().get_or_create(user=mediator)
        profile.languages = _codes(changes.languages, Language.values)
        profile.categories = _codes(changes.categories, Category.values)
        profile.availability = _codes(changes.availability, Availability.values)
        profile.max_active_cases = max(1, changes.max_active_cases)
        profile.is_available = changes.is_available
        profile.save()
        access_event_record(
            actor=actor,
            action=Action.UPDATE,
            object_type=PROFILE_OBJECT,
            object_id=mediator.pk,
            purpose=Purpose.CASEWORK,
        )
    return profile
