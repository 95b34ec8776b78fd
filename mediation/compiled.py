"""``CompiledQuery``: an ORM query compiled to SQL once, then run with other values.

Building a queryset and compiling it to SQL is pure Python, and for the same
shape of query it gives the same SQL every time. For a query that every
request makes, such as the signed-in user with their roles and two-factor
devices, that work costs several times what the database does (decision
0016). A ``CompiledQuery`` builds its query from a function of one value,
compiles it once per database, and from then on runs that SQL with the value
swapped in, through ``Manager.raw``: model instances, with the annotations as
attributes and the database's converters applied.

It refuses, with ImproperlyConfigured on first use, a query it cannot replay
faithfully: one whose SQL changes with the value, one with any other parameter
that changes between builds (the clock, say), and one that reads related
objects (``select_related``, ``prefetch_related``), which ``raw()`` does not build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, router
from django.db.models.query import RawQuerySet

M = TypeVar("M", bound=models.Model)

# Two values of the argument's type that no real row has: the query is compiled
# with each, and the parameters that differ are where the value goes.
SAMPLES = (-1, -2)


class _Compiled(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]


class CompiledQuery(Generic[M]):
    def __init__(self, build: Callable[[Any], models.QuerySet[M]]) -> None:
        self._build = build
        self._model: type[models.Model] | None = None
        self._compiled: dict[str, _Compiled] = {}

    def raw(self, value: Any) -> RawQuerySet[M]:
        """The query for ``value``, as ``build(value)`` would give it."""
        if self._model is None:
            self._model = self._build(SAMPLES[0]).model
        using = router.db_for_read(self._model)
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled.setdefault(using, self._compile(using))
        params = list(compiled.params)
        for slot in compiled.slots:
            params[slot] = value
        manager = self._model._default_manager
        return manager.raw(compiled.sql, params, using=using)  # type: ignore[return-value]

    def _compile(self, using: str) -> _Compiled:
        (sql, first), (other_sql, second) = (self._sql(sample, using) for sample in SAMPLES)
        if sql != other_sql or len(first) != len(second):
            raise ImproperlyConfigured(f"{self._build!r}: the SQL changes with the value.")
        slots = tuple(i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b)
        if not slots or any((first[i], second[i]) != SAMPLES for i in slots):
            raise ImproperlyConfigured(
                f"{self._build!r}: a parameter other than the value changes between builds."
            )
        return _Compiled(sql, tuple(first), slots)

    def _sql(self, sample: Any, using: str) -> tuple[str, tuple[Any, ...]]:
        queryset = self._build(sample)
        if queryset.query.select_related or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ImproperlyConfigured(f"{self._build!r}: raw() cannot read related objects.")
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        return sql, tuple(params)
