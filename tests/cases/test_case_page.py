"""The case page: its title, the links to each part of the casework by role, its mediators."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation.cases.models import AssignmentRole, CaseAssignment, Party, PartyRole
from mediation.cases.references import display
from mediation.intake.self_service import resident_add_statement
from tests.conftest import Cast, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STATEMENTS = 'SELECT "cases_statement"'


def _page(cast: Cast, persona: str) -> str:
    case = cast.assigned_case
    response = client_for(getattr(cast, persona)).get(
        reverse("cases:detail", kwargs={"reference": case.reference})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_title_names_the_case_and_nothing_else(cast: Cast) -> None:
    text = _page(cast, "coordinator")
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    assert title is not None
    assert title.group(1).strip() == (
        f"Case {display(cast.assigned_case.reference)} – Community mediation"
    )


def test_a_coordinator_reaches_every_part_of_the_casework(cast: Cast) -> None:
    text = _page(cast, "coordinator")
    reference = cast.assigned_case.reference
    for name in ("sessions", "notes", "screening", "agreement", "follow_ups", "referral"):
        assert reverse(f"cases:{name}", kwargs={"reference": reference}) in text
    assert reverse("assignment:case", kwargs={"reference": reference}) in text
    assert reverse("intake:other_party", kwargs={"reference": reference}) in text


def test_a_mediator_reaches_their_parts_only(cast: Cast) -> None:
    text = _page(cast, "mediator")
    reference = cast.assigned_case.reference
    assert reverse("cases:sessions", kwargs={"reference": reference}) in text
    assert reverse("cases:notes", kwargs={"reference": reference}) in text
    assert reverse("cases:referral", kwargs={"reference": reference}) not in text
    assert reverse("intake:other_party", kwargs={"reference": reference}) not in text
    assert reverse("assignment:case", kwargs={"reference": reference}) not in text


def _queries_on_page(cast: Cast) -> list[str]:
    client = client_for(cast.coordinator)
    url = reverse("cases:detail", kwargs={"reference": cast.assigned_case.reference})
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_mediators_are_named_with_their_role_lead_first(cast: Cast) -> None:
    case = cast.assigned_case  # "mediator" leads
    CaseAssignment.objects.create(
        case=case, mediator=UserFactory(username="aaron"), role=AssignmentRole.CO
    )
    CaseAssignment.objects.create(
        case=case, mediator=cast.other_mediator, role=AssignmentRole.CO, ended_at=timezone.now()
    )
    text = _page(cast, "coordinator")
    assert "<dd>mediator (Lead mediator), aaron (Co-mediator)</dd>" in text
    assert "<dd>None yet</dd>" not in text


def test_a_case_without_mediators_says_so(cast: Cast) -> None:
    CaseAssignment.objects.filter(case=cast.assigned_case).delete()
    assert "<dd>None yet</dd>" in _page(cast, "coordinator")


def test_statements_are_read_only_when_the_case_has_some(cast: Cast) -> None:
    statement_reads = [sql for sql in _queries_on_page(cast) if sql.startswith(STATEMENTS)]
    assert statement_reads == []
    party = Party.objects.get(case=cast.assigned_case, role=PartyRole.REQUESTER)
    resident_add_statement(party=party, text="The noise started again on Friday.")
    statement_reads = [sql for sql in _queries_on_page(cast) if sql.startswith(STATEMENTS)]
    assert len(statement_reads) == 1
    text = _page(cast, "coordinator")
    assert "Added later" in text
    assert "The noise started again on Friday." in text
