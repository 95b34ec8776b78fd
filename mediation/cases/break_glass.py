"""Break-glass: reading a case beyond one's scope, with a written reason, for a short time.

Open to coordinators and administrators only. The reason is encrypted in its
own record (never in the access log); every event made under the access
carries that record's id; privacy officers of the case's community review
each one and record a decision. It grants reading only: changing a case
stays with the people whose case it is.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorRole,
    BreakGlassAccess,
    Purpose,
    ReviewDecision,
)
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import Case
from mediation.cases.references import normalise
from mediation.cases.selectors import cases_visible_to
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher, data_key_new
from mediation.privacy.text import has_control_characters

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

OBJECT_TYPE = "break_glass"
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 1000


class NotAReviewer(Http404):
    """Only privacy officers review break-glass accesses (a 404 for anyone else)."""


class BreakGlassRefused(Exception):
    """The access cannot be opened or reviewed; ``message`` says why."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


def _role(user: User) -> ActorRole | None:
    scope = staff_scope(user=user)
    if scope.is_administrator:
        return ActorRole.ADMINISTRATOR
    if scope.coordinator_of:
        return ActorRole.COORDINATOR
    return None


def _refuse(user: User, message: StrPromise, case: Case | None = None) -> BreakGlassRefused:
    access_event_record_refused(
        actor=Actor.staff(user.pk),
        action=Action.VIEW,
        object_type="case",
        object_id=case.pk if case else None,
        purpose=Purpose.BREAK_GLASS,
        community_id=case.community_id if case else None,
    )
    return BreakGlassRefused(message)


def break_glass_may_open(*, user: User) -> bool:
    """Return whether ``user`` may ask for break-glass access; log the refusal when not."""
    if _role(user) is not None:
        return True
    _refuse(user, _("Only coordinators and administrators can use break-glass access."))
    return False


def break_glass_open(*, user: User, reference: str, reason: str) -> BreakGlassAccess:
    """Open a time-limited access to a case outside ``user``'s scope; log it for review."""
    role = _role(user)
    if role is None:
        raise _refuse(user, _("Only coordinators and administrators can use break-glass access."))
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise BreakGlassRefused(
            _("Write why you need this case, in at least %(count)d characters.")
            % {"count": REASON_MIN_LENGTH}
        )
    if len(reason) > REASON_MAX_LENGTH or has_control_characters(reason):
        raise BreakGlassRefused(
            _("Write the reason in plain text of at most %(count)d characters.")
            % {"count": REASON_MAX_LENGTH}
        )
    canonical = normalise(reference)
    case = Case.objects.filter(reference=canonical).first() if canonical else None
    if case is None:
        raise _refuse(user, _("No case has that reference. Check it and try again."))
    if cases_visible_to(scope=staff_scope(user=user)).filter(pk=case.pk).exists():
        raise BreakGlassRefused(_("You can already see this case: no break-glass access needed."))
    now = timezone.now()
    with transaction.atomic():
        data_key, cipher = data_key_new()
        data_key.save(force_insert=True)
        access = BreakGlassAccess(
            id=uuid.uuid4(),
            user=user,
            case_id=case.pk,
            community_id=case.community_id,
            data_key=data_key,
            granted_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.MEDIATION_BREAK_GLASS_MINUTES),
        )
        fields.encrypt(access, "reason", reason, cipher)
        access.save(force_insert=True)
        access_event_record(
            actor=Actor.staff(user.pk, role),
            action=Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=access.pk,
            purpose=Purpose.BREAK_GLASS,
            community_id=case.community_id,
            break_glass_id=access.pk,
        )
    return access


# ---- review by the privacy officer -----------------------------------------


@dataclass(frozen=True)
class ReviewLine:
    access: BreakGlassAccess
    reference: str
    reason: str
    events: int


def break_glass_for_review(*, user: User, pending_only: bool = True) -> list[ReviewLine]:
    """Return the break-glass accesses of the privacy officer's communities, newest first.

    Reading the reasons is logged (one event per list). Privacy officers see
    the reason and the case reference, not the case's content.
    """
    scope = staff_scope(user=user)
    if not scope.privacy_officer_of:
        raise _refuse(user, _("Only privacy officers review break-glass accesses."))
    accesses: QuerySet[BreakGlassAccess] = (
        BreakGlassAccess.objects.filter(community_id__in=scope.privacy_officer_of)
        .select_related("user", "data_key", "reviewed_by")
        .order_by("-granted_at")
    )
    if pending_only:
        accesses = accesses.filter(decision=ReviewDecision.PENDING)
    rows = list(accesses[:100])
    references = dict(
        Case.objects.filter(pk__in=[a.case_id for a in rows]).values_list("pk", "reference")
    )
    counts = dict(
        AccessEvent.objects.filter(break_glass_id__in=[a.pk for a in rows])
        .values("break_glass_id")
        .annotate(n=Count("id"))
        .values_list("break_glass_id", "n")
    )
    with transaction.atomic():
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.PRIVACY_OFFICER),
            action=Action.LIST,
            object_type=OBJECT_TYPE,
            object_id=None,
            purpose=Purpose.REVIEW,
        )
    return [
        ReviewLine(
            access=access,
            reference=references.get(access.case_id, ""),
            reason=fields.decrypt(access, "reason", CaseCipher.for_data_key(access.data_key)) or "",
            events=counts.get(access.pk, 0),
        )
        for access in rows
    ]


def break_glass_review(*, user: User, access_id: str, decision: str) -> BreakGlassAccess:
    """Record a privacy officer's decision on one break-glass access (not their own).

    Raise ``NotAReviewer`` (logged) for anyone who is not a privacy officer.
    """
    scope = staff_scope(user=user)
    try:
        key = uuid.UUID(access_id)
    except ValueError:
        key = None
    if not scope.privacy_officer_of:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=key,
            purpose=Purpose.REVIEW,
        )
        raise NotAReviewer
    if decision not in (ReviewDecision.JUSTIFIED, ReviewDecision.NOT_JUSTIFIED):
        raise BreakGlassRefused(_("Choose whether the access was justified."))
    with transaction.atomic():
        access = (
            BreakGlassAccess.objects.select_for_update()
            .filter(pk=key, community_id__in=scope.privacy_officer_of)
            .first()
            if key
            else None
        )
        if access is None:
            raise _refuse(user, _("That break-glass access is not yours to review."))
        if access.user_id == user.pk:
            raise BreakGlassRefused(_("Someone else must review your own break-glass access."))
        access.decision = decision
        access.reviewed_by = user
        access.reviewed_at = timezone.now()
        access.save(update_fields=["decision", "reviewed_by", "reviewed_at"])
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.PRIVACY_OFFICER),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=access.pk,
            purpose=Purpose.REVIEW,
            community_id=access.community_id,
            break_glass_id=access.pk,
        )
    return access
