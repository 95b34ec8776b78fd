"""On PostgreSQL the access log refuses UPDATE and DELETE, even in raw SQL (ASVS 16.4.2)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Purpose
from mediation.audit.services import access_event_record

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
