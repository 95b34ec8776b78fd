"""On PostgreSQL the server binds parameters and a statement run five times is
prepared, so it is planned once per connection; bulk writes are cut to the
parameters a statement may carry; pruning the access log, whose trigger bypass
needs client-side binding, still works (tests/audit/test_retention)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_a_bulk_write_past_65535_parameters_is_cut_into_batches() -> None:
    from mediation.accounts.models import Community

    fields = [f for f in Community._meta.concrete_fields if not f.primary_key]
    rows = 65_535 // len(fields) + 500
    with CaptureQueriesContext(connection) as queries:
        Community.objects.bulk_create(
            Community(slug=f"bulk-{n}", name_en=f"Bulk {n}", name_zh=f"批量 {n}")
            for n in range(rows)
        )
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2
    assert Community.objects.filter(slug__startswith="bulk-").count() == rows
