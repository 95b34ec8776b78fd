"""Conflict-of-interest checks: normalised names compared only as keyed hashes."""

from __future__ import annotations

import pytest
from django.db import connection

from mediation.assignment.conflicts import (
    conflict_check,
    conflict_results,
    name_hash,
    party_name_hashes,
    result_for,
)
from mediation.assignment.models import ConflictDeclaration, ConflictResult
from mediation.assignment.services import declarations_add
from mediation.cases.models import Case
from tests.assignment.conftest import make_mediator
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "variant",
    [
        "Wang Fang",
        "wang fang",
        "WANG  FANG",
        "  Wang\tFang  ",
        "ＷＡＮＧ　ＦＡＮＧ",  # full-width letters and an ideographic space (NFKC)
        "Ｗａｎｇ Ｆａｎｇ",
        "WangFang",
    ],
)
def test_names_normalise_alike_before_hashing(variant: str) -> None:
    assert name_hash(variant) == name_hash("Wang Fang")


def test_different_names_hash_differently_and_blank_names_hash_to_nothing() -> None:
    assert name_hash("Wang Fang") != name_hash("Wang Fan")
    assert name_hash("王芳") != name_hash("Wang Fang")
    assert name_hash("   ") == ""
    assert len(name_hash("王芳")) == 64


def test_a_declared_name_matching_a_party_is_a_conflict(cast: Cast, case: Case) -> None:
    declarations_add(user=cast.other_mediator, names=["ＷＡＮＧ　ＦＡＮＧ"])
    assert conflict_check(case=case, mediator=cast.other_mediator) == ConflictResult.CONFLICT


def test_no_matching_declaration_with_every_party_named_is_no_conflict(
    cast: Cast, case: Case
) -> None:
    declarations_add(user=cast.other_mediator, names=["Somebody Else"])
    assert conflict_check(case=case, mediator=cast.other_mediator) == ConflictResult.NO_CONFLICT


def test_a_party_without_a_name_makes_it_cannot_check_never_no_conflict(
    cast: Cast, unnamed_case: Case
) -> None:
    declarations_add(user=cast.other_mediator, names=["Somebody Else"])
    result = conflict_check(case=unnamed_case, mediator=cast.other_mediator)
    assert result == ConflictResult.CANNOT_CHECK
    assert result != ConflictResult.NO_CONFLICT
    assert str(result.label) == "Cannot check: a party gave no name"


def test_a_conflict_with_a_named_party_wins_over_cannot_check(
    cast: Cast, unnamed_case: Case
) -> None:
    declarations_add(user=cast.other_mediator, names=["zhao min"])
    result = conflict_check(case=unnamed_case, mediator=cast.other_mediator)
    assert result == ConflictResult.CONFLICT


def test_the_check_is_one_query_given_the_party_hashes(cast: Cast, case: Case) -> None:
    from django.test.utils import CaptureQueriesContext

    hashes = party_name_hashes(case)
    with CaptureQueriesContext(connection) as queries:
        conflict_check(case=case, mediator=cast.other_mediator, hashes=hashes)
    assert len(queries) == 1
    assert "name_hash" in queries[0]["sql"]


def test_bulk_results_agree_with_one_by_one(cast: Cast, case: Case) -> None:
    knows = make_mediator(cast.community, "knows")
    declarations_add(user=knows, names=["Li Lei"])
    stranger = make_mediator(cast.community, "stranger")
    declarations_add(user=stranger, names=["Nobody"])
    hashes = party_name_hashes(case)
    bulk = conflict_results(hashes=hashes, mediator_ids=[knows.pk, stranger.pk])
    for mediator in (knows, stranger):
        assert result_for(bulk, mediator.pk, hashes) == conflict_check(case=case, mediator=mediator)
    assert result_for(bulk, knows.pk, hashes) == ConflictResult.CONFLICT


def test_declarations_store_no_name_only_a_hash(cast: Cast) -> None:
    added = declarations_add(user=cast.mediator, names=["Wang Fang", "wang  fang", "Chen Jie"])
    assert (added.added, added.already) == (2, 0)
    stored = list(ConflictDeclaration.objects.values_list("name_hash", flat=True))
    assert sorted(stored) == sorted([name_hash("Wang Fang"), name_hash("Chen Jie")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM assignment_conflictdeclaration")
        dump = repr(cursor.fetchall()).lower()
    for fragment in ("wang", "fang", "chen", "jie"):
        assert fragment not in dump


def test_declaring_a_name_twice_stores_it_once(cast: Cast) -> None:
    declarations_add(user=cast.mediator, names=["Chen Jie"])
    again = declarations_add(user=cast.mediator, names=["CHEN JIE", "Xu Ming"])
    assert (again.added, again.already) == (1, 1)
    assert ConflictDeclaration.objects.filter(mediator=cast.mediator).count() == 2
