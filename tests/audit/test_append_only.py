"""On PostgreSQL the access log refuses UPDATE and DELETE, even in raw SQL (ASVS 16.4.2).

Events, seals and checkpoints alike; and the database roles documented in
docs/operations.md, applied to throwaway roles, give the application, the
sealer and the maintenance role exactly what they need.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.utils import ProgrammingError

from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, AccessLogCheckpoint, AccessLogSeal, Action, Purpose
from mediation.audit.sealing import seal_access_log
from mediation.audit.services import access_event_record
from mediation.audit.verification import verify_access_log
from tests.audit.sealing_helpers import wait_until_sealable

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="append-only triggers exist on PostgreSQL only"
    ),
]


def _event() -> AccessEvent:
    return access_event_record(
        actor=Actor.staff(1),
        action=Action.VIEW,
        object_type="case",
        object_id="x",
        purpose=Purpose.CASEWORK,
    )


def test_raw_update_is_refused() -> None:
    event = _event()
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_accessevent SET actor_id = '2' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.actor_id == "1"


def test_raw_delete_is_refused() -> None:
    event = _event()
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_orm_delete_is_refused() -> None:
    _event()
    with pytest.raises(ProgrammingError), transaction.atomic():
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.count() == 1


def test_inserting_still_works() -> None:
    _event()
    _event()
    assert AccessEvent.objects.count() == 2


def test_the_documented_application_role_may_only_insert_and_select() -> None:
    """The GRANTs from docs/operations.md, applied to a throwaway role in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE mediation_test_app NOLOGIN")
        cursor.execute("GRANT USAGE ON SCHEMA public TO mediation_test_app")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
            "TO mediation_test_app"
        )
        cursor.execute(
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mediation_test_app"
        )
        cursor.execute(
            "REVOKE UPDATE, DELETE, TRUNCATE ON audit_accessevent FROM mediation_test_app"
        )
        cursor.execute("GRANT SELECT, INSERT ON audit_accessevent TO mediation_test_app")
        cursor.execute("SET LOCAL ROLE mediation_test_app")
        try:
            _event()
            assert AccessEvent.objects.count() == 1
            for statement in (
                "UPDATE audit_accessevent SET actor_id = '2'",
                "DELETE FROM audit_accessevent",
                "TRUNCATE audit_accessevent",
            ):
                with (
                    pytest.raises(ProgrammingError, match="permission denied"),
                    transaction.atomic(),
                ):
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")


def _seal_row() -> tuple[int, int]:
    """Write a seal and a checkpoint directly (the sealer needs committed events)."""
    event = _event()
    AccessLogSeal.objects.create(
        position=1, event_id=event.pk, leaf=b"l" * 32, head=b"h" * 32, sealed_at=event.occurred_at
    )
    checkpoint = AccessLogCheckpoint.objects.create(
        position=1,
        event_count=1,
        head=b"h" * 32,
        created_at=event.occurred_at,
        signature=b"s" * 64,
        key_id="k",
    )
    return event.pk, checkpoint.pk


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogseal SET head = '\\x00'::bytea",
        "DELETE FROM audit_accesslogseal",
        "UPDATE audit_accesslogcheckpoint SET signature = '\\x00'::bytea",
        "DELETE FROM audit_accesslogcheckpoint",
    ],
)
def test_raw_changes_to_seals_and_checkpoints_are_refused(statement: str) -> None:
    _seal_row()
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessLogSeal.objects.get().head == b"h" * 32
    assert AccessLogCheckpoint.objects.get().signature == b"s" * 64


def _documented_roles(suffix: str) -> list[str]:
    """Return the SQL of docs/operations.md's role section, for throwaway roles.

    Roles get a suffix and no login; the database is this one; the default
    privileges of the (absent) owner role are left out.
    """
    section = OPERATIONS.read_text().split("### Database roles", 1)[1]
    sql = section.split("```sql", 1)[1].split("```", 1)[0]
    sql = re.sub(r"--[^\n]*", "", sql)
    statements = []
    for statement in (" ".join(part.split()) for part in sql.split(";")):
        if not statement or statement.startswith("ALTER DEFAULT PRIVILEGES"):
            continue
        statement = re.sub(r"\b(mediation_\w+)", rf"\1_{suffix}", statement)
        statement = statement.replace(" LOGIN", " NOLOGIN")
        statement = statement.replace(
            "ON DATABASE mediation TO", f"ON DATABASE {connection.settings_dict['NAME']} TO"
        )
        statements.append(statement)
    return statements


@contextmanager
def _as(cursor: CursorWrapper, role: str) -> Iterator[None]:
    cursor.execute(f"SET LOCAL ROLE {role}")
    try:
        yield
    finally:
        cursor.execute("RESET ROLE")


def _refused(cursor: CursorWrapper, statement: str, reason: str = "permission denied") -> None:
    with pytest.raises(ProgrammingError, match=reason), transaction.atomic():
        cursor.execute(statement)


def test_the_documented_roles_give_each_process_only_what_it_needs() -> None:
    suffix = uuid.uuid4().hex[:8]
    event_id, _ = _seal_row()
    with connection.cursor() as cursor:
        for statement in _documented_roles(suffix):
            cursor.execute(statement)

        with _as(cursor, f"mediation_app_{suffix}"):
            _event()
            cursor.execute("SELECT count(*) FROM audit_accesslogseal")
            cursor.execute("SELECT count(*) FROM audit_accesslogcheckpoint")
            _refused(cursor, "INSERT INTO audit_accesslogseal SELECT * FROM audit_accesslogseal")
            _refused(cursor, "INSERT INTO audit_accesslogcheckpoint (position) VALUES (9)")
            for table in ("audit_accessevent", "audit_accesslogseal", "audit_accesslogcheckpoint"):
                _refused(cursor, f"DELETE FROM {table}")  # noqa: S608
                _refused(cursor, f"TRUNCATE {table}")

        with _as(cursor, f"mediation_sealer_{suffix}"):
            cursor.execute("SELECT count(*) FROM audit_accessevent")
            cursor.execute(
                "INSERT INTO audit_accesslogseal (position, event_id, leaf, head, sealed_at) "
                "VALUES (2, -1, '\\x00', '\\x00', now())"
            )
            cursor.execute(
                "INSERT INTO audit_accesslogcheckpoint (position, event_count, head, created_at, "
                "signature, key_id) VALUES (2, 2, '\\x00', now(), '\\x00', 'k')"
            )
            _refused(cursor, "UPDATE audit_accessevent SET actor_id = '2'")
            _refused(
                cursor,
                "INSERT INTO audit_accessevent (occurred_at, actor_type, actor_id, actor_role, "
                "action, outcome, object_type, object_id, purpose, channel) VALUES "
                "(now(), 'staff', '1', '', 'view', 'success', 'case', 'x', 'casework', 'web')",
            )
            _refused(cursor, "DELETE FROM audit_accesslogseal")
            _refused(cursor, "TRUNCATE audit_accesslogcheckpoint")

        with _as(cursor, f"mediation_maintenance_{suffix}"):
            # May delete events and seals (the trigger still asks for its switch) ...
            _refused(cursor, f"DELETE FROM audit_accessevent WHERE id = {event_id}", "Cannot")  # noqa: S608
            _refused(cursor, "DELETE FROM audit_accesslogseal", "Cannot")
            # ... but never checkpoints, and writes nothing.
            _refused(cursor, "DELETE FROM audit_accesslogcheckpoint")
            _refused(cursor, "UPDATE audit_accesslogseal SET head = '\\x00'")
            _refused(cursor, "TRUNCATE audit_accessevent")


@pytest.mark.django_db(transaction=True)
def test_the_sealer_runs_with_only_its_documented_privileges() -> None:
    suffix = uuid.uuid4().hex[:8]
    roles = [f"mediation_{name}_{suffix}" for name in ("owner", "app", "sealer", "maintenance")]
    with connection.cursor() as cursor:
        for statement in _documented_roles(suffix):
            cursor.execute(statement)
    try:
        for _ in range(3):
            _event()
        wait_until_sealable()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE mediation_sealer_{suffix}")
            result = seal_access_log()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE mediation_app_{suffix}")
            report = verify_access_log()
        assert result.sealed == 3
        assert report.intact
    finally:
        with connection.cursor() as cursor:
            for role in roles:
                cursor.execute(f"DROP OWNED BY {role}")
                cursor.execute(f"DROP ROLE {role}")
