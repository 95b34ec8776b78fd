"""The coordinator's triage queue and the workflow controls on the case page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediation.audit.models import AccessEvent, Action, Outcome, Purpose
from mediation.cases.models import Case, CaseEvent, Category, EventKind, Status
from mediation.cases.references import display
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db

TRIAGE = reverse("cases:triage")


def _move(reference: str) -> str:
    return reverse("cases:move", kwargs={"reference": reference})


def test_the_queue_lists_new_requests_of_the_coordinators_communities_oldest_first(
    cast: Cast,
) -> None:
    newer = make_case(community=cast.community, category=Category.FAMILY)
    response = client_for(cast.coordinator).get(TRIAGE)
    assert response.status_code == 200
    text = response.content.decode()
    shown = [display(c.reference) for c in (cast.assigned_case, cast.unassigned_case, newer)]
    positions = [text.index(reference) for reference in shown]
    assert positions == sorted(positions)
    assert display(cast.other_community_case.reference) not in text
    event = AccessEvent.objects.get(action=Action.LIST, purpose=Purpose.TRIAGE)
    assert event.actor_id == str(cast.coordinator.pk)


def test_the_queue_leaves_out_cases_already_accepted(cast: Cast) -> None:
    Case.objects.filter(pk=cast.unassigned_case.pk).update(status=Status.SCREENING)
    text = client_for(cast.coordinator).get(TRIAGE).content.decode()
    assert display(cast.unassigned_case.reference) not in text
    assert display(cast.assigned_case.reference) in text


def test_filters_narrow_the_queue_and_say_so_when_nothing_matches(cast: Cast) -> None:
    family = make_case(community=cast.community, category=Category.FAMILY)
    Case.objects.filter(pk=family.pk).update(safety_flagged=True)
    client = client_for(cast.coordinator)

    text = client.get(TRIAGE, {"category": "family"}).content.decode()
    assert display(family.reference) in text
    assert display(cast.unassigned_case.reference) not in text

    text = client.get(TRIAGE, {"safety": "yes"}).content.decode()
    assert display(family.reference) in text
    assert "Needs safety screening" in text

    text = client.get(TRIAGE, {"category": "workplace"}).content.decode()
    assert "No new requests match these filters." in text


def test_a_community_filter_cannot_widen_the_scope(cast: Cast) -> None:
    response = client_for(cast.coordinator).get(TRIAGE, {"community": cast.other_community.pk})
    assert display(cast.other_community_case.reference) not in response.content.decode()


@pytest.mark.parametrize("persona", ["mediator", "other_mediator", "privacy_officer"])
def test_only_coordinators_have_a_queue(cast: Cast, persona: str) -> None:
    response = client_for(getattr(cast, persona)).get(TRIAGE)
    assert response.status_code == 404
    refused = AccessEvent.objects.get(action=Action.LIST)
    assert refused.outcome == Outcome.REFUSED


def test_the_queue_pages_without_counting_and_in_constant_queries(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    for _ in range(6):
        make_case(community=cast.community)
    client = client_for(cast.coordinator)
    client.get(TRIAGE)  # warm the session and translation caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for per_page in (2, 8):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(TRIAGE, {"per_page": per_page})
        assert response.status_code == 200
        assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 10
    assert 'rel="next"' in client.get(TRIAGE, {"per_page": 2}).content.decode()


def test_accepting_from_the_case_page_moves_the_case_and_shows_the_timeline(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    case = cast.unassigned_case
    page = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    assert "Accept for mediation" in page.content.decode()

    response = client.post(
        _move(case.reference), {"source": "submitted", "target": "screening"}, follow=True
    )

    case.refresh_from_db()
    assert case.status == Status.SCREENING
    text = response.content.decode()
    assert "Done: the case is now “Screening”." in text
    assert "Submitted → Screening" in text
    assert CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).count() == 1


def test_declining_without_a_reason_explains_and_changes_nothing(cast: Cast) -> None:
    case = cast.unassigned_case
    response = client_for(cast.coordinator).post(
        _move(case.reference),
        {"source": "submitted", "target": "closed", "outcome": "declined"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert "Choose a reason." in response.content.decode()


def test_declining_with_a_reason_closes_the_case_with_that_outcome(cast: Cast) -> None:
    case = cast.unassigned_case
    client_for(cast.coordinator).post(
        _move(case.reference),
        {"source": "submitted", "target": "closed", "outcome": "declined", "reason": "out_of_area"},
    )
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "declined")
    assert CaseEvent.objects.get(case=case).reason == "out_of_area"


def test_a_stale_page_does_not_move_a_case_that_has_moved_on(cast: Cast) -> None:
    case = cast.unassigned_case
    Case.objects.filter(pk=case.pk).update(status=Status.SCREENING)
    response = client_for(cast.coordinator).post(
        _move(case.reference),
        {"source": "submitted", "target": "closed", "outcome": "declined", "reason": "safety"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Status.SCREENING
    assert "The case has changed since you opened the page." in response.content.decode()


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_moves_and_links_on_cases_out_of_scope_are_not_found(cast: Cast, persona: str) -> None:
    client = client_for(getattr(cast, persona))
    case = cast.assigned_case
    moved = client.post(_move(case.reference), {"source": "submitted", "target": "screening"})
    linked = client.post(
        reverse("cases:duplicate", kwargs={"reference": case.reference}),
        {"other_reference": cast.unassigned_case.reference},
    )
    assert (moved.status_code, linked.status_code) == (404, 404)
    case.refresh_from_db()
    assert (case.status, case.duplicate_of_id) == (Status.SUBMITTED, None)


def test_a_mediator_sees_only_the_moves_their_role_allows(cast: Cast) -> None:
    case = cast.assigned_case
    Case.objects.filter(pk=case.pk).update(status=Status.ASSIGNED)
    text = (
        client_for(cast.mediator)
        .get(reverse("cases:detail", kwargs={"reference": case.reference}))
        .content.decode()
    )
    assert "Sessions started" in text
    assert "Back to screening" not in text
    assert "Link the cases" not in text


def test_linking_a_duplicate_then_closing_it_as_one(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    case, original = cast.unassigned_case, cast.assigned_case
    closing = {
        "source": "submitted",
        "target": "closed",
        "outcome": "duplicate",
        "reason": "duplicate",
    }

    refused = client.post(_move(case.reference), closing, follow=True)
    assert "Link the case it duplicates first." in refused.content.decode()

    client.post(
        reverse("cases:duplicate", kwargs={"reference": case.reference}),
        {"other_reference": display(original.reference).lower()},
    )
    client.post(_move(case.reference), closing)

    case.refresh_from_db()
    assert (case.duplicate_of_id, case.status, case.outcome) == (
        original.pk,
        Status.CLOSED,
        "duplicate",
    )
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DUPLICATE_LINKED).exists()
    page = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    link = reverse("cases:detail", kwargs={"reference": original.reference})
    assert f'<dd><a href="{link}">{display(original.reference)}</a></dd>' in page.content.decode()


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("", "Enter the reference of the other case."),
        ("self", "A case cannot duplicate itself."),
        ("elsewhere", "No case with that reference in your communities."),
    ],
)
def test_a_bad_duplicate_link_explains(cast: Cast, other: str, message: str) -> None:
    case = cast.unassigned_case
    value = {"": "", "self": case.reference, "elsewhere": cast.other_community_case.reference}[
        other
    ]
    response = client_for(cast.coordinator).post(
        reverse("cases:duplicate", kwargs={"reference": case.reference}),
        {"other_reference": value},
        follow=True,
    )
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.duplicate_of_id is None
