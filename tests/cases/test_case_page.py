"""The case page: its title, and the links to each part of the casework by role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mediation.cases.references import display
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


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
