"""Conflict-of-interest checks: mediators' declarations against parties' names, as blind indexes.

Both sides are keyed hashes of normalised names (``privacy.blind_index``,
domain ``PERSON_NAME``), compared for equality in the database. A check
answers one of three things and never which party or which declaration
matched. A party who gave no name cannot be checked, so a case with such a
party answers "cannot check" unless a conflict was found with another party:
never "no conflict".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from mediation.accounts.models import User
from mediation.assignment.models import ConflictDeclaration, ConflictResult
from mediation.cases.models import Case, Party
from mediation.cases.services import PERSON_NAME
from mediation.privacy.blind_index import blind_index


def name_hash(name: str) -> str:
    """Return the blind index of a person's name ("" when nothing is left after normalising)."""
    return blind_index(name, domain=PERSON_NAME)


def party_name_hashes(case: Case) -> list[str]:
    """Return the name hash of every party of ``case``: "" for a party who gave no name."""
    return list(Party.objects.filter(case=case).values_list("name_index", flat=True))


def conflict_result(*, declared: bool, hashes: list[str]) -> ConflictResult:
    """Return the check for a mediator who ``declared`` (or not) knowing a party in ``hashes``."""
    return _result(conflict=declared, hashes=hashes)


def _result(*, conflict: bool, hashes: list[str]) -> ConflictResult:
    if conflict:
        return ConflictResult.CONFLICT
    if not hashes or "" in hashes:
        return ConflictResult.CANNOT_CHECK
    return ConflictResult.NO_CONFLICT


def conflict_check(
    *, case: Case, mediator: User, hashes: list[str] | None = None
) -> ConflictResult:
    """Return whether ``mediator`` declared knowing anyone who is a party to ``case``.

    ``hashes`` are the case's party hashes when the caller has them already.
    """
    if hashes is None:
        hashes = party_name_hashes(case)
    named = [value for value in hashes if value]
    conflict = bool(named) and (
        ConflictDeclaration.objects.filter(mediator=mediator, name_hash__in=named).exists()
    )
    return _result(conflict=conflict, hashes=hashes)


def conflict_results(
    *, hashes: list[str], mediator_ids: Iterable[int] | QuerySet[User, int]
) -> dict[int, ConflictResult]:
    """Return the check for many mediators against one case's party ``hashes``, in one query.

    ``mediator_ids`` may be a queryset of ids (used as a subquery) or ids.
    Mediators absent from the answer are still "no conflict" or "cannot check":
    use ``result_for``.
    """
    named = [value for value in hashes if value]
    if not named:
        return {}
    conflicting = set(
        ConflictDeclaration.objects.filter(mediator_id__in=mediator_ids, name_hash__in=named)
        .values_list("mediator_id", flat=True)
        .distinct()
    )
    return dict.fromkeys(conflicting, ConflictResult.CONFLICT)


def result_for(
    results: dict[int, ConflictResult], mediator_id: int, hashes: list[str]
) -> ConflictResult:
    """Return the check for one mediator from ``conflict_results``' answer."""
    return _result(conflict=mediator_id in results, hashes=hashes)
