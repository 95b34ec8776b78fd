"""Break-glass: reading a case beyond one's scope, with a reason, for a while, reviewed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import Role
from mediation.audit.models import AccessEvent, BreakGlassAccess, Outcome, Purpose
from mediation.cases.models import Case, Status
from tests.conftest import Cast, client_for
from tests.factories import staff_with_role

pytestmark = pytest.mark.django_db

OPEN = reverse("break_glass:open")
REVIEW = reverse("break_glass:review")
REASON = "The requester phoned in distress; the coordinator of that centre is away."


def _case_page(case: Case) -> str:
    return reverse("cases:detail", kwargs={"reference": case.reference})


def _open(cast: Cast, reason: str = REASON) -> object:
    return client_for(cast.outsider).post(
        OPEN,
        {"reference": cast.assigned_case.reference, "reason": reason, "understood": "on"},
    )


def test_a_coordinator_reads_a_case_outside_their_communities_and_it_is_flagged(
    cast: Cast,
) -> None:
    client = client_for(cast.outsider)
    case = cast.assigned_case
    assert client.get(_case_page(case)).status_code == 404

    response = client.post(
        OPEN, {"reference": case.reference, "reason": REASON, "understood": "on"}, follow=True
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Assigned: loud music" in text
    assert "under break-glass access" in text
    assert "What can happen next" not in text
    access = BreakGlassAccess.objects.get()
    assert (access.user, access.case_id, access.decision) == (cast.outsider, case.pk, "")
    view = AccessEvent.objects.get(object_id=str(case.pk), outcome=Outcome.SUCCESS)
    assert (view.purpose, view.break_glass_id) == (Purpose.BREAK_GLASS, access.pk)


def test_the_reason_is_encrypted_and_never_in_the_log(cast: Cast) -> None:
    _open(cast)
    raw = BreakGlassAccess.objects.values_list("reason", flat=True).get()
    assert b"distress" not in bytes(raw)
    for event in AccessEvent.objects.values():
        assert "distress" not in str(event)


def test_break_glass_reads_but_never_changes(cast: Cast) -> None:
    _open(cast)
    case = cast.assigned_case
    response = client_for(cast.outsider).post(
        reverse("cases:move", kwargs={"reference": case.reference}),
        {"source": "submitted", "target": "screening"},
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_the_access_ends_when_it_expires(cast: Cast) -> None:
    _open(cast)
    BreakGlassAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client_for(cast.outsider).get(_case_page(cast.assigned_case)).status_code == 404


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Write why you need this case."),
        ("just looking", "at least 20 characters"),
        ("Someone may be in danger\x07 here today", "plain text"),
    ],
)
def test_a_reason_is_required_and_must_say_something(cast: Cast, reason: str, message: str) -> None:
    response = _open(cast, reason)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BreakGlassAccess.objects.exists()


def test_an_unknown_reference_is_refused_and_logged(cast: Cast) -> None:
    response = client_for(cast.outsider).post(
        OPEN, {"reference": "ABCD-EFGH-JK", "reason": REASON, "understood": "on"}
    )
    assert "No case has that reference." in response.content.decode()
    assert AccessEvent.objects.get(purpose=Purpose.BREAK_GLASS).outcome == Outcome.REFUSED


def test_a_case_already_in_scope_needs_no_break_glass(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(
        OPEN, {"reference": cast.assigned_case.reference, "reason": REASON, "understood": "on"}
    )
    assert "no break-glass access needed" in response.content.decode()


@pytest.mark.parametrize("persona", ["mediator", "other_mediator", "privacy_officer"])
def test_only_coordinators_and_administrators_may_break_glass(cast: Cast, persona: str) -> None:
    client = client_for(getattr(cast, persona))
    assert client.get(OPEN).status_code == 404
    response = client.post(
        OPEN,
        {"reference": cast.other_community_case.reference, "reason": REASON, "understood": "on"},
    )
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_an_administrator_may_break_glass(cast: Cast) -> None:
    admin = staff_with_role(Role.ADMINISTRATOR, None, "admin")
    client = client_for(admin)
    client.post(
        OPEN, {"reference": cast.assigned_case.reference, "reason": REASON, "understood": "on"}
    )
    assert client.get(_case_page(cast.assigned_case)).status_code == 200


def test_the_privacy_officer_reviews_and_records_a_decision(cast: Cast) -> None:
    _open(cast)
    client_for(cast.outsider).get(_case_page(cast.assigned_case))
    reviewer = client_for(cast.privacy_officer)

    page = reviewer.get(REVIEW).content.decode()
    assert REASON in page
    assert "Assigned: loud music" not in page
    access = BreakGlassAccess.objects.get()
    reviewer.post(
        reverse("break_glass:decide", kwargs={"access_id": access.pk}), {"decision": "justified"}
    )

    access.refresh_from_db()
    assert (access.decision, access.reviewed_by) == ("justified", cast.privacy_officer)
    assert (
        "No break-glass accesses are waiting for review." in reviewer.get(REVIEW).content.decode()
    )
    events_under_it = AccessEvent.objects.filter(break_glass_id=access.pk).count()
    assert events_under_it == 3  # opened, the case viewed once, reviewed


def test_a_privacy_officer_of_another_community_sees_nothing_of_it(cast: Cast) -> None:
    _open(cast)
    elsewhere = staff_with_role(Role.PRIVACY_OFFICER, cast.other_community, "po_elsewhere")
    client = client_for(elsewhere)
    assert REASON not in client.get(REVIEW).content.decode()
    access = BreakGlassAccess.objects.get()
    client.post(
        reverse("break_glass:decide", kwargs={"access_id": access.pk}), {"decision": "justified"}
    )
    access.refresh_from_db()
    assert access.decision == ""


@pytest.mark.parametrize("persona", ["coordinator", "mediator", "outsider"])
def test_only_privacy_officers_review(cast: Cast, persona: str) -> None:
    assert client_for(getattr(cast, persona)).get(REVIEW).status_code == 404
