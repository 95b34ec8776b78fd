"""On PostgreSQL the server binds parameters and a statement run five times is
prepared, so it is planned once per connection; pruning the access log, whose
trigger bypass needs client-side binding, still works (tests/audit/test_retention)."""

from __future__ import annotations

import pytest
from django.db import connection

from mediation.accounts.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


def _prepared_user_queries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_user"%'],
        )
        return int(cursor.fetchone()[0])


def test_a_query_run_five_times_is_prepared_once() -> None:
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    assert connection.connection.cursor_factory is ServerBindingCursor
    before = _prepared_user_queries()
    for pk in range(8):
        list(User.objects.filter(pk=pk, username__startswith="prepared-check"))
    assert _prepared_user_queries() == before + 1
