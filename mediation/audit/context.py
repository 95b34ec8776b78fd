"""Per-request (or per-command) audit context: request id, channel, pending refusals.

Refused and failed attempts are usually detected inside a transaction that is
about to roll back. They are kept here and written when the request or
command ends, outside that transaction, so the rollback cannot take them with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from mediation.audit.models import AccessEvent, Channel


@dataclass
class AuditContext:
    channel: Channel
    request_id: uuid.UUID | None = None
    client: str = ""  # the coarse client marker of a web request; empty for commands
    pending: list[AccessEvent] = field(default_factory=list)


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    """Return the audit context of the running request or command, if any."""
    return _current.get()


@contextmanager
def audit_context(
    *, channel: Channel, request_id: uuid.UUID | None = None, client: str = ""
) -> Iterator[AuditContext]:
    """Run a block with its own request id; write its refused attempts when it ends."""
    context = AuditContext(channel=channel, request_id=request_id or uuid.uuid4(), client=client)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
        flush(context)


def flush(context: AuditContext) -> None:
    """Write the refused attempts kept in ``context``."""
    if context.pending:
        events, context.pending = context.pending, []
        AccessEvent.objects.bulk_create(events)
