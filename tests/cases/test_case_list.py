"""The case list: pages without COUNT, sorting on the indexed column, empty state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.cases.lists import mediator_names
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.cases.references import display
from tests.conftest import Cast, client_for
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(cast: Cast) -> list[Case]:
    """Seven more cases in the coordinator's community, a day apart, oldest first."""
    cases = []
    now = timezone.now()
    for n in range(7):
        case = make_case(community=cast.community, description=f"case {n}")
        Case.objects.filter(pk=case.pk).update(submitted_at=now - timedelta(days=30 - n))
        cases.append(case)
    return cases


def _references(response) -> list[str]:
    return [row.reference for row in response.context["rows"]]


def test_pages_are_fetched_without_counting(cast: Cast, many: list[Case]) -> None:
    client = client_for(cast.coordinator)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/cases/", {"per_page": 4})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(_references(first)) == 4
    body = first.content.decode()
    assert 'rel="next"' in body
    assert 'rel="prev"' not in body

    last = client.get("/cases/", {"per_page": 4, "page": 3})
    assert len(_references(last)) == 1  # 9 cases: 4 + 4 + 1
    assert 'rel="next"' not in last.content.decode()


def test_newest_first_by_default_and_oldest_first_on_request(cast: Cast, many: list[Case]) -> None:
    client = client_for(cast.coordinator)
    newest = _references(client.get("/cases/"))
    oldest = _references(client.get("/cases/", {"sort": "submitted"}))
    assert newest == list(reversed(oldest))
    assert oldest[0] == display(many[0].reference)


def test_unknown_sort_and_bad_page_fall_back_safely(cast: Cast, many: list[Case]) -> None:
    client = client_for(cast.coordinator)
    default = _references(client.get("/cases/"))
    assert _references(client.get("/cases/", {"sort": "description"})) == default
    assert _references(client.get("/cases/", {"page": "999"})) == default
    assert _references(client.get("/cases/", {"page": "x", "per_page": "-3"}))[:1] == default[:1]


def test_rows_show_labels_and_mediators(cast: Cast) -> None:
    response = client_for(cast.coordinator).get("/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    rows = {row.reference: row for row in response.context["rows"]}
    assigned = rows[display(cast.assigned_case.reference)]
    assert (assigned.category, assigned.status, assigned.mediators) == (
        "邻里纠纷",
        "已提交",
        "mediator",
    )
    assert assigned.url == f"/cases/{cast.assigned_case.reference}/"
    assert rows[display(cast.unassigned_case.reference)].mediators == ""


def test_the_lead_mediator_comes_first_and_past_mediators_not_at_all(cast: Cast) -> None:
    case = cast.assigned_case  # "mediator" leads
    aaron = UserFactory(username="aaron")
    CaseAssignment.objects.create(case=case, mediator=aaron, role=AssignmentRole.CO)
    CaseAssignment.objects.create(
        case=case,
        mediator=cast.other_mediator,
        role=AssignmentRole.CO,
        ended_at=timezone.now(),
    )
    response = client_for(cast.coordinator).get("/cases/")
    rows = {row.reference: row for row in response.context["rows"]}
    assert rows[display(case.reference)].mediators == "mediator, aaron"
    assert "<td>mediator, aaron</td>" in response.content.decode()


@pytest.mark.parametrize(
    ("joined", "names"),
    [
        (None, ""),
        ("", ""),
        ("lead:tom", "tom"),
        ("co:mei,lead:tom", "tom, mei"),
        ("co:zoe,co:amy,lead:tom", "tom, amy, zoe"),
    ],
)
def test_mediator_names_lead_first_then_by_name(joined: str | None, names: str) -> None:
    assert mediator_names(joined) == names


def test_an_empty_list_says_what_will_appear(cast: Cast) -> None:
    body = client_for(cast.other_mediator).get("/cases/").content.decode()
    assert "No cases to show." in body
    assert "<table" not in body


def test_filters_narrow_the_list_by_status_and_category(cast: Cast) -> None:
    from mediation.cases.models import Category, Status

    family = make_case(community=cast.community, category=Category.FAMILY)
    Case.objects.filter(pk=family.pk).update(status=Status.SCREENING)
    client = client_for(cast.coordinator)

    by_status = _references(client.get("/cases/", {"status": "screening"}))
    assert by_status == [display(family.reference)]
    by_category = _references(client.get("/cases/", {"category": "family"}))
    assert by_category == [display(family.reference)]
    nothing = client.get("/cases/", {"status": "closed"}).content.decode()
    assert "No cases match these filters." in nothing


def test_a_community_filter_cannot_widen_the_scope(cast: Cast) -> None:
    response = client_for(cast.mediator).get("/cases/", {"community": cast.other_community.pk})
    assert display(cast.other_community_case.reference) not in response.content.decode()


def test_pages_and_sorting_keep_the_filters(cast: Cast, many: list[Case]) -> None:
    text = (
        client_for(cast.coordinator)
        .get("/cases/", {"category": "neighbour", "per_page": 2})
        .content.decode()
    )
    assert "category=neighbour&amp;sort=-submitted&amp;per_page=2&amp;page=2" in text
    assert "category=neighbour&amp;sort=submitted" in text
