"""The assignment pages: who may open them, what they show, and what the forms do."""

from __future__ import annotations

import re

import pytest

from mediation.assignment.models import ConflictDeclaration, MediatorObjection, MediatorProfile
from mediation.assignment.services import declarations_add
from mediation.audit.models import AccessEvent, Action, ActorRole, Outcome
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, Party, PartyRole, Status
from tests.assignment.conftest import make_mediator
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

NOT_COORDINATORS = ["mediator", "other_mediator", "privacy_officer", "outsider"]


def _page(case: Case) -> str:
    return f"/assignment/cases/{case.reference}/"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- scoping -------------------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
def test_the_assignment_page_is_404_for_anyone_but_the_coordinator(
    cast: Cast, case: Case, persona: str
) -> None:
    user = getattr(cast, persona)
    response = client_for(user).get(_page(case))
    assert response.status_code == 404
    event = AccessEvent.objects.get(outcome=Outcome.REFUSED, actor_id=str(user.pk))
    assert event.object_id == str(case.pk)


@pytest.mark.parametrize("persona", NOT_COORDINATORS)
@pytest.mark.parametrize("action", ["assign", "unassign", "objection", "mark-assigned"])
def test_every_assignment_post_is_404_for_anyone_but_the_coordinator(
    cast: Cast, case: Case, persona: str, action: str
) -> None:
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    lead = CaseAssignment.objects.create(
        case=case, mediator=cast.mediator, role=AssignmentRole.LEAD
    )
    data = {
        "mediator": cast.other_mediator.pk,
        "role": "co",
        "confirmed_in_person": "on",
        "assignment": lead.pk,
        "party": str(requester.pk),
    }
    response = client_for(getattr(cast, persona)).post(f"{_page(case)}{action}/", data)
    assert response.status_code == 404
    assert list(
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values_list(
            "mediator_id", flat=True
        )
    ) == [cast.mediator.pk]
    assert not MediatorObjection.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.SCREENING


def test_a_case_of_another_community_is_404_for_the_coordinator(cast: Cast) -> None:
    response = client_for(cast.coordinator).get(_page(cast.other_community_case))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/assignment/", "/assignment/mediators/", "/assignment/mediators/{id}/profile/"]
)
@pytest.mark.parametrize("persona", ["mediator", "privacy_officer"])
def test_coordinator_pages_are_404_for_others(cast: Cast, path: str, persona: str) -> None:
    url = path.format(id=cast.other_mediator.pk)
    response = client_for(getattr(cast, persona)).get(url)
    assert response.status_code == 404


def test_another_communitys_coordinator_sees_none_of_this_community(cast: Cast, case: Case) -> None:
    client = client_for(cast.outsider)
    assert client.get(f"/assignment/mediators/{cast.other_mediator.pk}/profile/").status_code == 404
    for path in ("/assignment/", "/assignment/mediators/"):
        body = _text(client.get(path))
        assert case.reference not in body
        assert "other_mediator" not in body


@pytest.mark.parametrize("persona", ["mediator", "privacy_officer", "outsider"])
def test_deactivation_is_404_for_others(cast: Cast, persona: str) -> None:
    url = f"/assignment/mediators/{cast.other_mediator.pk}/deactivate/"
    client = client_for(getattr(cast, persona))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    cast.other_mediator.refresh_from_db()
    assert cast.other_mediator.is_active


@pytest.mark.parametrize("persona", ["coordinator", "privacy_officer", "outsider"])
def test_declarations_and_own_profile_are_for_mediators_only(cast: Cast, persona: str) -> None:
    client = client_for(getattr(cast, persona))
    assert client.get("/assignment/declarations/").status_code == 404
    assert client.post("/assignment/declarations/", {"names": "Wang Fang"}).status_code == 404
    assert client.post("/assignment/declarations/clear/", {"confirm": "on"}).status_code == 404
    assert client.get("/assignment/profile/").status_code == 404
    assert not ConflictDeclaration.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(case: Case) -> None:
    from django.test import Client

    response = Client().get(_page(case))
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


# ---- the coordinator's assignment page --------------------------------------------


def test_the_page_shows_suggestions_with_reasons_and_the_check(cast: Cast, case: Case) -> None:
    make_mediator(cast.community, "good_fit", categories=("neighbour",))
    response = client_for(cast.coordinator).get(_page(case))
    assert response.status_code == 200
    body = _text(response)
    assert "good_fit" in body
    assert "Handles this kind of dispute: Neighbours" in body
    assert "No conflict found" in body
    assert "Assign as lead mediator" in body
    # Nothing a party said, and no name, is on the page.
    for personal in ("Wang Fang", "Li Lei", "fence", "resident@example.org"):
        assert personal not in body
    event = AccessEvent.objects.get(action=Action.VIEW, outcome=Outcome.SUCCESS)
    assert (event.object_id, event.actor_role) == (str(case.pk), ActorRole.COORDINATOR)


def test_cannot_check_is_shown_as_such_never_as_no_conflict(cast: Cast, unnamed_case: Case) -> None:
    body = _text(client_for(cast.coordinator).get(_page(unnamed_case)))
    assert "Cannot check: a party gave no name" in body
    assert "No conflict found" not in body
    assert 'name="confirmed_in_person"' in body


def test_a_conflict_is_shown_without_a_button_and_without_saying_who(
    cast: Cast, case: Case
) -> None:
    declarations_add(user=cast.other_mediator, names=["Wang Fang"])
    body = _text(client_for(cast.coordinator).get(_page(case)))
    assert "Conflict found: cannot assign" in body
    section = body.split("<h3>other_mediator</h3>")[1].split("</li>")[0]
    assert "Assign as lead" not in section
    assert "Wang" not in body


def test_assigning_from_the_page(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    response = client.post(
        f"{_page(case)}assign/", {"mediator": cast.other_mediator.pk, "role": "lead"}
    )
    assert response.status_code == 302
    assert response["Location"] == _page(case)
    assert CaseAssignment.objects.get(case=case, ended_at__isnull=True).mediator == (
        cast.other_mediator
    )
    body = _text(client.get(_page(case)))
    assert "other_mediator is now on the case as Lead mediator." in body
    assert "Mark the case as assigned" in body
    response = client.post(f"{_page(case)}mark-assigned/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


def test_a_refused_assignment_shows_the_reason_in_an_error_summary(
    cast: Cast, unnamed_case: Case
) -> None:
    response = client_for(cast.coordinator).post(
        f"{_page(unnamed_case)}assign/", {"mediator": cast.other_mediator.pk, "role": "lead"}
    )
    assert response.status_code == 400
    body = _text(response)
    assert "There is a problem" in body
    assert "the conflict-of-interest check cannot be made" in body
    assert not CaseAssignment.objects.filter(case=unnamed_case).exists()


def test_removing_and_history_on_the_page(cast: Cast, case: Case) -> None:
    client = client_for(cast.coordinator)
    client.post(f"{_page(case)}assign/", {"mediator": cast.other_mediator.pk, "role": "lead"})
    assignment = CaseAssignment.objects.get(case=case)
    response = client.post(f"{_page(case)}unassign/", {"assignment": assignment.pk})
    assert response.status_code == 302
    body = _text(client.get(_page(case)))
    assert "No mediator is on the case." in body
    history = body.split("Earlier mediators")[1]
    assert "other_mediator" in history
    assert "No conflict found" in history


def test_recording_an_objection_from_the_page(cast: Cast, case: Case) -> None:
    other = Party.objects.get(case=case, role=PartyRole.OTHER_PARTY)
    client = client_for(cast.coordinator)
    response = client.post(
        f"{_page(case)}objection/", {"party": str(other.pk), "mediator": cast.other_mediator.pk}
    )
    assert response.status_code == 302
    assert MediatorObjection.objects.get().mediator == cast.other_mediator
    body = _text(client.get(_page(case)))
    assert "Other party objects to other_mediator" in body
    response = client.post(
        f"{_page(case)}assign/", {"mediator": cast.other_mediator.pk, "role": "lead"}
    )
    assert response.status_code == 400
    assert "A party has objected to this mediator" in _text(response)


def test_an_incomplete_objection_form_says_what_to_do(cast: Cast, case: Case) -> None:
    response = client_for(cast.coordinator).post(f"{_page(case)}objection/", {})
    assert response.status_code == 400
    body = _text(response)
    assert "Choose the party who objects." in body
    assert "Choose the mediator they object to." in body


def test_the_queue_lists_cases_waiting_for_a_lead(cast: Cast, case: Case) -> None:
    body = _text(client_for(cast.coordinator).get("/assignment/"))
    assert case.reference in body
    assert cast.assigned_case.reference not in body  # not accepted for mediation yet


# ---- mediators, profiles, deactivation --------------------------------------------


def test_the_mediators_list_shows_load_and_profile(cast: Cast) -> None:
    make_mediator(cast.community, "profiled", languages=("zh-hans",), max_active_cases=3)
    response = client_for(cast.coordinator).get("/assignment/mediators/")
    assert response.status_code == 200
    body = _text(response)
    assert "profiled" in body
    assert "0 of 3" in body
    assert "1 of 5" in body  # the cast's mediator: one case, default most
    assert "Chinese" in body
    event = AccessEvent.objects.get(action=Action.LIST, object_type="mediator")
    assert event.actor_role == ActorRole.COORDINATOR


def test_deactivating_from_the_mediators_list(cast: Cast, case: Case) -> None:
    CaseAssignment.objects.create(case=case, mediator=cast.other_mediator, role="lead")
    client = client_for(cast.coordinator)
    url = f"/assignment/mediators/{cast.other_mediator.pk}/deactivate/"
    confirm = _text(client.get(url))
    assert "Deactivate other_mediator?" in confirm
    assert case.reference in confirm
    response = client.post(url)
    assert response.status_code == 302
    cast.other_mediator.refresh_from_db()
    assert not cast.other_mediator.is_active
    body = _text(client.get("/assignment/mediators/"))
    assert "1 case is listed for reassignment" in body
    reassign = body.split("Cases to reassign")[-1]
    assert case.reference in reassign


def test_a_coordinator_edits_a_mediators_profile(cast: Cast) -> None:
    url = f"/assignment/mediators/{cast.other_mediator.pk}/profile/"
    client = client_for(cast.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "languages": ["zh-hans"],
            "categories": ["family", "workplace"],
            "availability": ["weekend_mornings"],
            "max_active_cases": "3",
            "is_available": "on",
        },
    )
    assert response.status_code == 302
    profile = MediatorProfile.objects.get(user=cast.other_mediator)
    assert (profile.languages, profile.categories, profile.max_active_cases) == (
        ["zh-hans"],
        ["family", "workplace"],
        3,
    )


def test_a_mediator_edits_their_own_profile_and_bad_input_is_explained(cast: Cast) -> None:
    client = client_for(cast.mediator)
    response = client.post("/assignment/profile/", {"languages": ["tlh"], "max_active_cases": "0"})
    assert response.status_code == 400
    body = _text(response)
    assert "There is a problem" in body
    assert "Enter a number of at least 1." in body
    response = client.post("/assignment/profile/", {"languages": ["en"], "max_active_cases": "2"})
    assert response.status_code == 302
    profile = MediatorProfile.objects.get(user=cast.mediator)
    assert (profile.languages, profile.is_available, profile.max_active_cases) == (
        ["en"],
        False,
        2,
    )


def test_a_coordinator_cannot_edit_a_mediator_of_another_community(cast: Cast) -> None:
    elsewhere = make_mediator(cast.other_community, "elsewhere")
    url = f"/assignment/mediators/{elsewhere.pk}/profile/"
    client = client_for(cast.coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"max_active_cases": "9"}).status_code == 404
    assert MediatorProfile.objects.get(user=elsewhere).max_active_cases == 5


# ---- declarations -------------------------------------------------------------------


def test_a_mediator_declares_names_and_sees_only_a_count(cast: Cast) -> None:
    client = client_for(cast.mediator)
    body = _text(client.get("/assignment/declarations/"))
    assert "You have declared 0 names." in body
    assert "Nobody can read your list back" in body
    response = client.post(
        "/assignment/declarations/", {"names": "Chen Jie\n\n  ＣＨＥＮ　ＪＩＥ \nXu Ming\n"}
    )
    assert response.status_code == 302
    body = _text(client.get("/assignment/declarations/"))
    assert "2 names added." in body
    assert "You have declared 2 names." in body
    for name in ("Chen", "Xu Ming", "ＣＨＥＮ"):
        assert name not in body
    event = AccessEvent.objects.get(object_type="conflict_declarations", action=Action.CREATE)
    assert (event.actor_id, event.actor_role) == (str(cast.mediator.pk), ActorRole.MEDIATOR)


def test_a_mediator_removes_one_name_or_all(cast: Cast) -> None:
    declarations_add(user=cast.mediator, names=["Wang Fang", "Chen Jie", "Xu Ming"])
    client = client_for(cast.mediator)
    client.post("/assignment/declarations/remove/", {"name": "wang fang"})
    assert ConflictDeclaration.objects.filter(mediator=cast.mediator).count() == 2
    body = _text(client.get("/assignment/declarations/"))
    assert "That name is removed." in body
    response = client.post("/assignment/declarations/clear/", {})
    assert response.status_code == 400
    assert "Tick the box" in _text(response)
    client.post("/assignment/declarations/clear/", {"confirm": "on"})
    assert not ConflictDeclaration.objects.filter(mediator=cast.mediator).exists()


def test_declarations_refuse_empty_input_and_control_characters(cast: Cast) -> None:
    client = client_for(cast.mediator)
    assert client.post("/assignment/declarations/", {"names": " \n "}).status_code == 400
    response = client.post("/assignment/declarations/", {"names": "Wang\x07Fang"})
    assert response.status_code == 400
    assert not ConflictDeclaration.objects.exists()


def test_one_mediators_declarations_do_not_touch_anothers(cast: Cast) -> None:
    declarations_add(user=cast.other_mediator, names=["Wang Fang"])
    client_for(cast.mediator).post("/assignment/declarations/clear/", {"confirm": "on"})
    assert ConflictDeclaration.objects.filter(mediator=cast.other_mediator).count() == 1


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator", "/assignment/cases/{ref}/assign/"),
        ("coordinator", "/assignment/cases/{ref}/unassign/"),
        ("coordinator", "/assignment/cases/{ref}/objection/"),
        ("coordinator", "/assignment/cases/{ref}/mark-assigned/"),
        ("coordinator", "/assignment/mediators/{mediator}/deactivate/"),
        ("coordinator", "/assignment/mediators/{mediator}/profile/"),
        ("mediator", "/assignment/profile/"),
        ("mediator", "/assignment/declarations/"),
        ("mediator", "/assignment/declarations/remove/"),
        ("mediator", "/assignment/declarations/clear/"),
    ],
)
def test_every_form_needs_its_csrf_token(cast: Cast, case: Case, persona: str, path: str) -> None:
    # SECURITY.md failure scenario 3.
    client = client_for(getattr(cast, persona))
    client.handler.enforce_csrf_checks = True
    url = path.format(ref=case.reference, mediator=cast.other_mediator.pk)
    response = client.post(url, {"mediator": cast.other_mediator.pk, "role": "lead"})
    assert response.status_code == 403
    assert not CaseAssignment.objects.filter(case=case).exists()
    cast.other_mediator.refresh_from_db()
    assert cast.other_mediator.is_active


# ---- queries ---------------------------------------------------------------------


@pytest.mark.parametrize("mediators", [2, 12])
def test_the_page_costs_at_most_ten_queries_whatever_it_shows(
    cast: Cast, case: Case, mediators: int, django_assert_max_num_queries
) -> None:
    from mediation.assignment.services import mediator_assign, mediator_unassign, objection_record

    team = [make_mediator(cast.community, f"team{n}") for n in range(mediators)]
    lead = mediator_assign(
        user=cast.coordinator, reference=case.reference, mediator_id=team[0].pk, role="lead"
    )
    mediator_assign(
        user=cast.coordinator, reference=case.reference, mediator_id=team[1].pk, role="co"
    )
    mediator_unassign(user=cast.coordinator, reference=case.reference, assignment_id=lead.pk)
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    objection_record(
        user=cast.coordinator,
        reference=case.reference,
        party_id=str(requester.pk),
        mediator_id=team[-1].pk,
    )
    client = client_for(cast.coordinator)
    client.get(_page(case))  # the session's once-a-minute refresh is not what is counted

    with django_assert_max_num_queries(10):
        response = client.get(_page(case))

    body = _text(response)
    assert response.status_code == 200
    assert "team1" in body  # the current assignment
    assert "team0" in body  # the past one
    assert body.count(f"team{mediators - 1}") >= 2  # objected-to: in the objections and the list
