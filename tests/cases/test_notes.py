"""Case notes: shared notes for the case team, private caucus notes for its mediators only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.accounts.models import Role, RoleAssignment
from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.models import (
    CaseAssignment,
    CaseEvent,
    EventKind,
    Note,
    NoteKind,
    PartyRole,
)
from mediation.cases.note_services import NoteRefused, note_add
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher
from tests.cases.casework import assign, parties, ready_for_sessions
from tests.conftest import Cast, client_for
from tests.factories import make_case

pytestmark = pytest.mark.django_db

SHARED_TEXT = "Both agreed to keep the music down after 22:00."
CAUCUS_TEXT = "Privately: she is afraid of losing the flat."


@pytest.fixture
def case(cast: Cast):
    return ready_for_sessions(cast.assigned_case)


def _add(user, case, text, kind=NoteKind.SHARED, party=None) -> Note:
    with audit_context(channel=Channel.WEB):
        return note_add(
            user=user,
            reference=case.reference,
            kind=kind,
            text=text,
            party_id=party.pk if party else None,
        )


@pytest.fixture
def notes(cast: Cast, case) -> tuple[Note, Note]:
    requester = parties(case)[PartyRole.REQUESTER]
    return (
        _add(cast.coordinator, case, SHARED_TEXT),
        _add(cast.mediator, case, CAUCUS_TEXT, NoteKind.CAUCUS, requester),
    )


def _page(user, case):
    return client_for(user).get(f"/cases/{case.reference}/notes/")


def test_the_mediator_reads_shared_and_caucus_notes(cast: Cast, case, notes) -> None:
    response = _page(cast.mediator, case)
    assert response.status_code == 200
    body = response.content.decode()
    assert SHARED_TEXT in body
    assert CAUCUS_TEXT in body
    assert "Private caucus note (Requester)" in body


def test_a_coordinator_not_mediating_never_sees_caucus_notes(cast: Cast, case, notes) -> None:
    response = _page(cast.coordinator, case)
    assert response.status_code == 200
    body = response.content.decode()
    assert SHARED_TEXT in body
    assert CAUCUS_TEXT not in body
    assert [line.text for line in response.context["detail"].notes] == [SHARED_TEXT]
    # Nor is the caucus option offered on the form.
    assert "caucus:" not in body


def test_a_coordinator_who_mediates_the_case_sees_caucus_notes(cast: Cast, case, notes) -> None:
    assign(case, cast.coordinator)
    RoleAssignment.objects.create(
        user=cast.coordinator, role=Role.MEDIATOR, community=cast.community
    )
    assert CAUCUS_TEXT in _page(cast.coordinator, case).content.decode()


def test_a_mediator_who_came_off_the_case_sees_nothing(cast: Cast, case, notes) -> None:
    CaseAssignment.objects.filter(case=case, mediator=cast.mediator).update(ended_at=timezone.now())
    assert _page(cast.mediator, case).status_code == 404


@pytest.mark.parametrize("persona", ["other_mediator", "privacy_officer", "outsider"])
def test_everyone_outside_the_case_gets_404_and_writes_nothing(
    cast: Cast, case, notes, persona
) -> None:
    user = getattr(cast, persona)
    client = client_for(user)
    read = client.get(f"/cases/{case.reference}/notes/")
    write = client.post(
        f"/cases/{case.reference}/notes/", {"visibility": "shared", "text": "I was here"}
    )
    assert read.status_code == write.status_code == 404
    for response in (read, write):
        assert SHARED_TEXT not in response.content.decode()
        assert CAUCUS_TEXT not in response.content.decode()
    assert Note.objects.count() == 2
    refused = AccessEvent.objects.filter(outcome=Outcome.REFUSED, actor_id=str(user.pk))
    assert sorted(refused.values_list("action", flat=True)) == [Action.CREATE, Action.VIEW]


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, case) -> None:
    response = Client().get(f"/cases/{case.reference}/notes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_adding_a_shared_note_through_the_page(cast: Cast, case) -> None:
    response = client_for(cast.coordinator).post(
        f"/cases/{case.reference}/notes/", {"visibility": "shared", "text": SHARED_TEXT}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.kind, note.party_id, note.author_id) == (
        NoteKind.SHARED,
        None,
        cast.coordinator.pk,
    )
    assert SHARED_TEXT.encode() not in bytes(Note.objects.values_list("text", flat=True).get())
    cipher = CaseCipher.for_data_key(case.data_key)
    assert fields.decrypt(note, "text", cipher) == SHARED_TEXT
    timeline = CaseEvent.objects.get(kind=EventKind.NOTE_ADDED)
    assert (timeline.subject_id, timeline.actor_id) == (note.pk, cast.coordinator.pk)
    created = AccessEvent.objects.get(action=Action.CREATE)
    assert (created.object_type, created.object_id, created.actor_role) == (
        "case",
        str(case.pk),
        ActorRole.COORDINATOR,
    )


def test_adding_a_caucus_note_through_the_page(cast: Cast, case) -> None:
    other = parties(case)[PartyRole.OTHER_PARTY]
    response = client_for(cast.mediator).post(
        f"/cases/{case.reference}/notes/", {"visibility": f"caucus:{other.pk}", "text": CAUCUS_TEXT}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.kind, note.party_id) == (NoteKind.CAUCUS, other.pk)


def test_a_coordinator_cannot_post_a_caucus_note(cast: Cast, case) -> None:
    requester = parties(case)[PartyRole.REQUESTER]
    response = client_for(cast.coordinator).post(
        f"/cases/{case.reference}/notes/",
        {"visibility": f"caucus:{requester.pk}", "text": CAUCUS_TEXT},
    )
    assert response.status_code == 400
    assert not Note.objects.exists()
    with pytest.raises(NoteRefused):
        _add(cast.coordinator, case, CAUCUS_TEXT, NoteKind.CAUCUS, requester)
    assert not Note.objects.exists()


def test_a_caucus_note_must_be_about_a_party_of_this_case(cast: Cast, case) -> None:
    stranger_case = ready_for_sessions(make_case(community=cast.community, mediator=cast.mediator))
    stranger = parties(stranger_case)[PartyRole.REQUESTER]
    with pytest.raises(NoteRefused):
        _add(cast.mediator, case, CAUCUS_TEXT, NoteKind.CAUCUS, stranger)
    with pytest.raises(NoteRefused):
        _add(cast.mediator, case, CAUCUS_TEXT, NoteKind.CAUCUS, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the note."),
        ("x" * 5001, "Shorten the note to 5000 characters or fewer."),
        ("bell\x07", "Remove the special characters"),
        ("escape \x1b[31m red", "Remove the special characters"),
    ],
)
def test_note_text_is_validated(cast: Cast, case, text, message) -> None:
    response = client_for(cast.mediator).post(
        f"/cases/{case.reference}/notes/", {"visibility": "shared", "text": text}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Note.objects.exists()


def test_the_service_refuses_bad_text_too(cast: Cast, case) -> None:
    for text in ("   ", "x" * 5001, "nul\x00"):
        with pytest.raises(NoteRefused):
            _add(cast.mediator, case, text)


def test_line_breaks_and_unicode_are_kept(cast: Cast, case) -> None:
    text = "第一行\n第二行\twith a tab"
    _add(cast.mediator, case, text)
    assert "第一行<br>第二行" in _page(cast.mediator, case).content.decode()


def test_html_in_notes_is_escaped(cast: Cast, case) -> None:
    _add(cast.mediator, case, "<img src=x onerror=alert(1)>")
    body = _page(cast.mediator, case).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_reading_writes_one_view_event_for_the_case(cast: Cast, case, notes) -> None:
    _page(cast.mediator, case)
    event = AccessEvent.objects.get(action=Action.VIEW)
    assert (event.object_type, event.object_id, event.actor_role, event.outcome) == (
        "case",
        str(case.pk),
        ActorRole.MEDIATOR,
        Outcome.SUCCESS,
    )


def test_notes_page_queries_do_not_grow_with_notes(
    cast: Cast, case, django_assert_max_num_queries
) -> None:
    client = client_for(cast.mediator)
    requester = parties(case)[PartyRole.REQUESTER]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/cases/{case.reference}/notes/").status_code == 200
        return len(queries)

    _add(cast.mediator, case, "one")
    _add(cast.mediator, case, "two", NoteKind.CAUCUS, requester)
    few = count()
    for n in range(18):
        _add(
            cast.mediator,
            case,
            f"note {n}",
            NoteKind.CAUCUS if n % 2 else NoteKind.SHARED,
            requester if n % 2 else None,
        )
    assert Note.objects.count() == 20
    with django_assert_max_num_queries(few):
        client.get(f"/cases/{case.reference}/notes/")


def test_the_note_form_needs_a_csrf_token(cast: Cast, case) -> None:
    client = client_for(cast.mediator)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/cases/{case.reference}/notes/", {"visibility": "shared", "text": SHARED_TEXT}
    )
    assert response.status_code == 403
    assert not Note.objects.exists()


def test_a_password_only_session_is_sent_to_sign_in(cast: Cast, case, notes) -> None:
    client = Client()
    client.force_login(cast.mediator)
    response = client.get(f"/cases/{case.reference}/notes/")
    assert response.status_code == 302
    assert CAUCUS_TEXT not in response.content.decode()
