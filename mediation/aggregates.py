"""``Joined``: the values of a group joined with commas, on PostgreSQL and SQLite.

For reading a few short values of related rows as one column of the row that
owns them (a user's roles, a case's mediators), instead of one more query:
``STRING_AGG`` on PostgreSQL, ``GROUP_CONCAT`` on SQLite. Neither promises an
order, so callers sort what they split. The values must not contain commas.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, CharField, QuerySet, Subquery


class Joined(Aggregate):
    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def joined_column(rows: QuerySet[Any], *, group: str, value: Any) -> Subquery:
    """``value`` of each of ``rows`` joined into one column, grouped by ``group``.

    ``rows`` is correlated to the outer query by the caller (``OuterRef``), so
    the outer row gets the values of its own related rows, or NULL for none.
    """
    joined = rows.order_by().values(group).annotate(joined=Joined(value)).values("joined")
    return Subquery(joined, output_field=CharField())
