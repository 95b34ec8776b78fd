"""A mediator's calendar feed address: make a new one (the old stops), or turn it off.

The token is returned once, to be shown once; only its keyed hash is stored
(``feed_tokens``). Each change writes an access event in its transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.feed_tokens import hash_feed_token, new_feed_token
from mediation.cases.models import CalendarFeedToken

FEED_OBJECT_TYPE = "calendar_feed"


class CalendarNotAvailable(Http404):
    """Only mediators have a calendar of their sessions (a 404 for anyone else)."""


def require_mediator(*, user: User, action: Action) -> None:
    """Raise CalendarNotAvailable, after logging, unless ``user`` is an active mediator."""
    if not staff_scope(user=user).is_mediator:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=action,
            object_type=FEED_OBJECT_TYPE,
            object_id=None,
            purpose=Purpose.CASEWORK,
        )
        raise CalendarNotAvailable


def _revoke_active(user: User) -> list[int]:
    active = list(
        CalendarFeedToken.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    CalendarFeedToken.objects.filter(pk__in=active).update(revoked_at=timezone.now())
    return active


def calendar_feed_create(*, user: User) -> str:
    """Give ``user`` a new feed address and return its token; any earlier address stops."""
    require_mediator(user=user, action=Action.CREATE)
    token = new_feed_token()
    with transaction.atomic():
        for revoked in _revoke_active(user):
            access_event_record(
                actor=Actor.staff(user.pk, ActorRole.MEDIATOR),
                action=Action.DELETE,
                object_type=FEED_OBJECT_TYPE,
                object_id=revoked,
                purpose=Purpose.CASEWORK,
            )
        feed = CalendarFeedToken.objects.create(user=user, token_hash=hash_feed_token(token))
        access_event_record(
            actor=Actor.staff(user.pk, ActorRole.MEDIATOR),
            action=Action.CREATE,
            object_type=FEED_OBJECT_TYPE,
            object_id=feed.pk,
            purpose=Purpose.CASEWORK,
        )
    return token


def calendar_feed_revoke(*, user: User) -> bool:
    """Turn off ``user``'s feed address; return whether there was one."""
    require_mediator(user=user, action=Action.DELETE)
    with transaction.atomic():
        revoked = _revoke_active(user)
        for feed_id in revoked:
            access_event_record(
                actor=Actor.staff(user.pk, ActorRole.MEDIATOR),
                action=Action.DELETE,
                object_type=FEED_OBJECT_TYPE,
                object_id=feed_id,
                purpose=Purpose.CASEWORK,
            )
    return bool(revoked)
