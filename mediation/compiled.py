"""``CompiledQuery``: an ORM query built and compiled to SQL once, then run with other values.

Building a queryset and compiling it to SQL is pure Python, and for the same
shape of query it gives the same SQL every time. For the queries a hot page
makes on every request (the signed-in user with their roles and devices, the
case on the case page) that work cost several times what the database did
(decision 0016). A ``CompiledQuery`` builds its query from a function of a few
values, compiles it once per database and shape of those values, and from
then on runs that SQL with the values swapped in, through Django's own
iterables: model instances with their ``select_related`` objects and
annotations, or the rows of ``values()``, converted as the ORM converts them.

The values are ints, strings, UUIDs, collections of those (their length is
part of the shape: an ``IN`` list), or booleans and None, which are part of
the shape and passed to the function as they are. To find where each value
goes, the query is built and compiled twice with sample values no row has;
the SQL must be the same both times and the parameters must differ only where
a sample went. A query it cannot replay faithfully is refused with ImproperlyConfigured
on first use: SQL that changes with a value, a parameter that changes between
builds (the clock, a value transformed on its way, as ``contains`` does), or
``prefetch_related``.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Callable, Collection, Hashable
from typing import Any, Generic, NamedTuple, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, models, router
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")


class _Slot(NamedTuple):
    param: int  # position in the parameters
    value: int  # which value
    item: int | None  # which item of a collection value, or None for a scalar
    hex: bool = False  # a UUID as its hex digits (SQLite stores UUIDs so)


class _Prepared(NamedTuple):
    queryset: models.QuerySet[Any, Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]


class _Replay:
    """The built query, except that its compiler is the prepared one."""

    def __init__(self, query: Any, compiler: SQLCompiler) -> None:
        self._query = query
        self._compiler = compiler

    def get_compiler(self, *args: Any, **kwargs: Any) -> SQLCompiler:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class CompiledQuery(Generic[T]):
    def __init__(self, build: Callable[..., models.QuerySet[Any, T]]) -> None:
        self._build = build
        self._model: type[models.Model] | None = None
        # None where the shape compiles to no query at all (an empty IN list, ``none()``).
        self._prepared: dict[Hashable, _Prepared | None] = {}

    def fetch(self, *values: Any) -> list[T]:
        """The rows ``build(*values)`` gives, in its order and slice."""
        values = tuple(_normalised(value) for value in values)
        if self._model is None:
            self._model = self._build(*_samples(values, itertools.count())).model
        using = router.db_for_read(self._model)
        key = (using, tuple(_shape(value) for value in values))
        if key not in self._prepared:
            self._prepared.setdefault(key, self._prepare(using, values))
        prepared = self._prepared[key]
        return [] if prepared is None else self._run(prepared, values, using)

    def first(self, *values: Any) -> T | None:
        """The first row ``build(*values)`` gives, or None."""
        rows = self.fetch(*values)
        return rows[0] if rows else None

    def _run(self, prepared: _Prepared, values: tuple[Any, ...], using: str) -> list[T]:
        params = list(prepared.params)
        for slot in prepared.slots:
            value = values[slot.value]
            value = value if slot.item is None else value[slot.item]
            params[slot.param] = value.hex if slot.hex else value
        compiler = copy.copy(prepared.compiler)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (prepared.sql, params)  # type: ignore[method-assign]
        built: Any = prepared.queryset
        replay: Any = _Replay(built.query, compiler)
        queryset: Any = models.QuerySet(built.model, query=replay, using=using)
        queryset._iterable_class = built._iterable_class
        queryset._fields = built._fields
        return list(built._iterable_class(queryset))

    def _prepare(self, using: str, values: tuple[Any, ...]) -> _Prepared | None:
        counter = itertools.count()
        first, second = _samples(values, counter), _samples(values, counter)
        built = [self._build(*samples) for samples in (first, second)]
        for queryset in built:
            if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
                raise ImproperlyConfigured(f"{self._build!r}: cannot replay prefetch_related.")
        compilers = [queryset.query.get_compiler(using=using) for queryset in built]
        try:
            (sql, params), (other_sql, other_params) = (c.as_sql() for c in compilers)
        except EmptyResultSet:
            return None
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"{self._build!r}: the SQL changes with the values.")
        where_first, where_second = _sample_positions(first), _sample_positions(second)
        slots = []
        for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one == other:
                continue
            source = where_first.get(_key(one))
            if source is None or where_second.get(_key(other)) != source:
                raise ImproperlyConfigured(
                    f"{self._build!r}: a parameter other than the values changes between builds."
                )
            slots.append(_Slot(position, *source))
        # Each run sets its own thread's connection: keep no thread's connection alive here.
        compilers[0].connection = None
        return _Prepared(built[0], compilers[0], sql, tuple(params), tuple(slots))


def _normalised(value: Any) -> Any:
    if isinstance(value, Collection) and not isinstance(value, str):
        # An IN list holds each item once, in some order: one tuple of distinct items.
        return tuple(dict.fromkeys(value))
    return value


def _shape(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, tuple):
        return (len(value), *(type(item) for item in value))
    return type(value)


def _sample(value: Any, counter: itertools.count[int]) -> Any:
    """A value of ``value``'s type that no row has (booleans and None stay as they are)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return -1_000_000 - next(counter)
    if isinstance(value, str):
        return f"\x1fsample-{next(counter)}"
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=(0xC0DE << 112) + next(counter))
    raise TypeError(f"CompiledQuery takes ints, strings, UUIDs, booleans and None: {value!r}")


def _samples(values: tuple[Any, ...], counter: itertools.count[int]) -> tuple[Any, ...]:
    return tuple(
        tuple(_sample(item, counter) for item in value)
        if isinstance(value, tuple)
        else _sample(value, counter)
        for value in values
    )


def _key(param: Any) -> Hashable:
    return (type(param), param)


def _sample_positions(samples: tuple[Any, ...]) -> dict[Hashable, tuple[int, int | None, bool]]:
    """Where each sample came from: (which value, which item or None, as hex digits)."""
    positions: dict[Hashable, tuple[int, int | None, bool]] = {}
    for index, value in enumerate(samples):
        items = enumerate(value) if isinstance(value, tuple) else [(None, value)]
        for number, item in items:
            if item is None or isinstance(item, bool):
                continue
            positions[_key(item)] = (index, number, False)
            if isinstance(item, uuid.UUID):
                positions[_key(item.hex)] = (index, number, True)
    return positions
