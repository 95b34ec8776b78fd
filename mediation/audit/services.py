"""Writing the access log. Services call these explicitly; there are no signals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection

from mediation.audit import context
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Channel, Outcome, Purpose


def _event(
    *,
    actor: Actor,
    action: Action,
    object_type: str,
    object_id: object,
    purpose: Purpose,
    outcome: Outcome,
    community_id: int | None,
    break_glass_id: uuid.UUID | None = None,
) -> AccessEvent:
    audit = context.current()
    return AccessEvent(
        actor_type=actor.type,
        actor_id=actor.id,
        actor_role=actor.role,
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        community_id=community_id,
        purpose=purpose,
        channel=audit.channel if audit else Channel.COMMAND,
        request_id=audit.request_id if audit else None,
        client=audit.client if audit else "",
        break_glass_id=break_glass_id,
    )


def access_event_record(
    *,
    actor: Actor,
    action: Action,
    object_type: str,
    object_id: object,
    purpose: Purpose,
    community_id: int | None = None,
    break_glass_id: uuid.UUID | None = None,
) -> AccessEvent:
    """Record a successful access in the current transaction.

    Call it inside the same ``transaction.atomic`` block as the change it
    records, so that both are written or neither is.
    """
    event = _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        outcome=Outcome.SUCCESS,
        community_id=community_id,
        break_glass_id=break_glass_id,
    )
    if not settings.MEDIATION_BENCH_ACCESS_LOG_OFF:
        event.save(force_insert=True)
    return event


def access_events_record(
    *,
    actor: Actor,
    action: Action,
    object_type: str,
    object_ids: list[object],
    purpose: Purpose,
    community_id: int | None = None,
) -> None:
    """Record one successful access per object shown, in a single INSERT.

    A page that shows several records (each party's copy of an agreement)
    logs each of them, and still adds at most one INSERT to the request.
    """
    if settings.MEDIATION_BENCH_ACCESS_LOG_OFF:
        return
    AccessEvent.objects.bulk_create(
        [
            _event(
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                purpose=purpose,
                outcome=Outcome.SUCCESS,
                community_id=community_id,
            )
            for object_id in object_ids
        ]
    )


def access_event_record_refused(
    *,
    actor: Actor,
    action: Action,
    object_type: str,
    object_id: object,
    purpose: Purpose,
    outcome: Outcome = Outcome.REFUSED,
    community_id: int | None = None,
) -> None:
    """Record a refused or failed attempt so that no rollback can lose it.

    Outside a transaction the event is written at once. Inside one, it is
    kept in the audit context and written when the request or command ends,
    after the transaction has committed or rolled back.
    """
    event = _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        outcome=outcome,
        community_id=community_id,
    )
    audit = context.current()
    if settings.MEDIATION_BENCH_ACCESS_LOG_OFF:
        return
    if audit is not None:
        audit.pending.append(event)
    elif not connection.in_atomic_block:
        event.save(force_insert=True)
    else:
        raise RuntimeError(
            "A refused attempt inside a transaction needs an audit context "
            "(audit.context.audit_context), or a rollback would lose it."
        )
