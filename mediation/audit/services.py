"""Writing the access log. Services call these explicitly; there are no signals."""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router
from django.db.models import Field
from django.db.models.sql import InsertQuery

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
        _insert(event)
    return event


class _Statement(NamedTuple):
    sql: str
    # The fields whose values are the statement's parameters, in order; the
    # others (the transaction id) are database defaults written in the SQL.
    fields: tuple[Field[Any, Any], ...]
    # What the statement returns: the id, then those database defaults.
    returned: tuple[Field[Any, Any], ...]


_STATEMENTS: dict[str, _Statement] = {}


def _insert(event: AccessEvent) -> None:
    """INSERT the event as ``save(force_insert=True)`` does, with Django's statement
    compiled once per database: every page writes one, and Model.save's path cost
    several times the statement (decision 0016)."""
    using = router.db_for_write(AccessEvent)
    statement = _STATEMENTS.get(using) or _STATEMENTS.setdefault(using, _compile(event, using))
    database = connections[using]
    params = [f.get_db_prep_save(f.pre_save(event, True), database) for f in statement.fields]
    with database.cursor() as cursor:
        cursor.execute(statement.sql, params)
        for field, value in zip(statement.returned, cursor.fetchone(), strict=True):
            setattr(event, field.attname, value)
    event._state.adding = False
    event._state.db = using


def _compile(event: AccessEvent, using: str) -> _Statement:
    meta = AccessEvent._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.pk]
    defaults = [f for f in fields if hasattr(f.pre_save(event, True), "resolve_expression")]
    query = InsertQuery(AccessEvent)
    query.insert_values(fields, [event])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk, *defaults]
    ((sql, params),) = compiler.as_sql()
    plain = tuple(field for field in fields if field not in defaults)
    if len(params) != len(plain):
        raise ImproperlyConfigured("The access event's INSERT has parameters of its own.")
    return _Statement(sql, plain, (meta.pk, *defaults))


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
        _insert(event)
    else:
        raise RuntimeError(
            "A refused attempt inside a transaction needs an audit context "
            "(audit.context.audit_context), or a rollback would lose it."
        )
