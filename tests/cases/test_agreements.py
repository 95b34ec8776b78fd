"""Agreements: written per party in their language, encrypted, changed before acceptance only."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorRole, Channel, Outcome
from mediation.cases.agreement_services import (
    AgreementRefused,
    CopyTerms,
    agreement_accept,
    agreement_record,
)
from mediation.cases.models import (
    Agreement,
    AgreementCopy,
    CaseEvent,
    EventKind,
    FollowUp,
    Status,
)
from mediation.cases.selectors import CaseNotFound
from tests.cases.agreement_fixtures import (
    CHINESE_TERMS,
    ENGLISH_TERMS,
    bring_to_sessions,
    form_data,
    move,
    parties,
    write_agreement,
)
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _url(case, suffix: str = "") -> str:
    return f"/cases/{case.reference}/agreement/{suffix}"


def test_form_shows_one_textarea_per_party_labelled_with_role_and_language(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    response = client_for(cast.mediator).get(_url(case, "write/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<textarea") == 2
    assert "Terms for the requester, in English" in body
    assert "Terms for the other party, in 简体中文" in body
    assert 'lang="zh-hans"' in body
    requester, _other = parties(case)
    hint = f"id_terms_{requester.pk.hex}_helptext"
    assert f'id="{hint}"' in body
    assert f'aria-describedby="{hint}"' in body


@pytest.mark.parametrize("persona", ["mediator", "coordinator"])
def test_case_team_writes_an_agreement_with_a_copy_per_party(cast: Cast, persona: str) -> None:
    case = bring_to_sessions(cast)
    user = getattr(cast, persona)
    response = client_for(user).post(_url(case, "write/"), form_data(case))
    assert response.status_code == 302
    assert response["Location"] == _url(case)
    agreement = Agreement.objects.get(case=case)
    assert agreement.recorded_by == user
    requester, other = parties(case)
    copies = {copy.party_id: copy for copy in agreement.copies.all()}
    assert copies[requester.pk].language == "en"
    assert copies[other.pk].language == "zh-hans"
    assert copies[requester.pk].accepted_at is None


def test_terms_are_stored_only_as_ciphertext(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    for copy in AgreementCopy.objects.all():
        stored = bytes(copy.terms)
        assert b"Music" not in stored
        assert CHINESE_TERMS.encode() not in stored
        assert "播放".encode() not in stored


def test_recording_writes_the_timeline_and_the_access_log_together(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    client_for(cast.mediator).post(_url(case, "write/"), form_data(case))
    agreement = Agreement.objects.get(case=case)
    event = CaseEvent.objects.get(case=case, kind=EventKind.AGREEMENT_RECORDED)
    assert (event.actor, event.subject_id) == (cast.mediator, agreement.pk)
    logged = AccessEvent.objects.get(action=Action.CREATE, object_type="agreement")
    assert (logged.object_id, logged.actor_id, logged.actor_role, logged.community_id) == (
        str(agreement.pk),
        str(cast.mediator.pk),
        ActorRole.MEDIATOR,
        case.community_id,
    )
    assert logged.request_id is not None


def test_recording_does_not_move_the_case(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    case.refresh_from_db()
    assert case.status == Status.SESSIONS


@pytest.mark.parametrize(
    ("english", "message"),
    [
        ("", "Write the terms for the requester."),
        ("x" * 10_001, "Shorten the terms to 10000 characters or fewer."),
        ("Pay \x1b[31mnow", "Remove the special characters that cannot be shown"),
    ],
    ids=["required", "too-long", "control-characters"],
)
def test_terms_are_validated_and_nothing_is_saved(cast: Cast, english: str, message: str) -> None:
    case = bring_to_sessions(cast)
    response = client_for(cast.mediator).post(
        _url(case, "write/"), form_data(case, english=english)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not Agreement.objects.exists()


def test_an_unknown_language_is_refused(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    requester, _other = parties(case)
    data = form_data(case) | {f"language_{requester.pk.hex}": "fr"}
    response = client_for(cast.mediator).post(_url(case, "write/"), data)
    assert response.status_code == 400
    assert not Agreement.objects.exists()


def test_terms_keep_their_line_breaks_and_markup_is_shown_as_text(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    payload = "<script>alert(1)</script>\r\nSecond line"
    client_for(cast.mediator).post(_url(case, "write/"), form_data(case, english=payload))
    body = client_for(cast.mediator).get(_url(case)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in body


def test_agreement_is_written_only_while_sessions_are_under_way(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    move(cast, case, Status.AGREEMENT)
    client = client_for(cast.mediator)
    response = client.get(_url(case, "write/"))
    assert response.status_code == 302
    response = client.post(_url(case, "write/"), form_data(case), follow=True)
    assert "cannot be written or changed now" in response.content.decode()
    assert Agreement.objects.filter(case=case).count() == 1


def test_service_refuses_an_agreement_before_sessions_and_logs_it(cast: Cast) -> None:
    case = cast.assigned_case
    requester = case.parties.get()
    with audit_context(channel=Channel.WEB), pytest.raises(AgreementRefused):
        agreement_record(
            user=cast.mediator,
            reference=case.reference,
            copies=[CopyTerms(party_id=requester.pk, language="en", terms="Terms")],
        )
    assert not Agreement.objects.exists()
    refused = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert (refused.action, refused.object_type) == (Action.CREATE, "agreement")


def test_service_needs_terms_for_every_party(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    requester, _other = parties(case)
    with audit_context(channel=Channel.WEB), pytest.raises(AgreementRefused) as refused:
        agreement_record(
            user=cast.mediator,
            reference=case.reference,
            copies=[CopyTerms(party_id=requester.pk, language="en", terms="Terms")],
        )
    assert str(refused.value.message) == "Write the terms for every party."
    assert not Agreement.objects.exists()


def test_service_refuses_a_party_of_another_case(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    requester, _other = parties(case)
    stranger = cast.unassigned_case.parties.get()
    with audit_context(channel=Channel.WEB), pytest.raises(AgreementRefused):
        agreement_record(
            user=cast.mediator,
            reference=case.reference,
            copies=[
                CopyTerms(party_id=requester.pk, language="en", terms="Terms"),
                CopyTerms(party_id=stranger.pk, language="en", terms="Terms"),
            ],
        )
    assert not Agreement.objects.exists()


def test_changing_the_terms_replaces_the_agreement_and_keeps_the_earlier_one(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    first = write_agreement(cast, case)
    client = client_for(cast.mediator)
    form = client.get(_url(case, "write/")).content.decode()
    assert "Music stops at 10 pm" in form  # the current terms, to edit
    client.post(_url(case, "write/"), form_data(case, english="1. Music stops at 9 pm."))
    assert Agreement.objects.filter(case=case).count() == 2
    page = client.get(_url(case)).content.decode()
    assert "Music stops at 9 pm" in page
    assert "Music stops at 10 pm" not in page
    assert "1 earlier version" in page
    assert AgreementCopy.objects.filter(agreement=first).count() == 2
    # The replaced agreement's checks will not happen; the new one has its own.
    assert not FollowUp.objects.filter(agreement=first).exists()
    assert FollowUp.objects.filter(case=case).count() == 2


def test_terms_are_fixed_once_a_party_accepted(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    copy = agreement.copies.first()
    assert copy is not None
    agreement_accept(user=cast.mediator, reference=case.reference, copy_id=copy.pk)
    client = client_for(cast.mediator)
    assert "Change the terms" not in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "write/"), form_data(case, english="Other"), follow=True)
    assert "cannot be written or changed now" in response.content.decode()
    with audit_context(channel=Channel.WEB), pytest.raises(AgreementRefused) as refused:
        write_agreement(cast, case)
    assert "accepted these terms" in str(refused.value.message)
    assert Agreement.objects.filter(case=case).count() == 1


def test_acceptance_is_recorded_with_who_and_when(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    requester, _other = parties(case)
    copy = agreement.copies.get(party=requester)
    before = timezone.now()
    response = client_for(cast.coordinator).post(_url(case, "accept/"), {"copy": str(copy.pk)})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.acceptance_recorded_by == cast.coordinator
    assert copy.accepted_at is not None
    assert copy.accepted_at >= before
    event = CaseEvent.objects.get(kind=EventKind.AGREEMENT_ACCEPTED)
    assert (event.actor, event.subject_id) == (cast.coordinator, copy.pk)
    logged = AccessEvent.objects.get(action=Action.UPDATE, object_type="agreement_copy")
    assert (logged.object_id, logged.actor_role) == (str(copy.pk), ActorRole.COORDINATOR)
    page = client_for(cast.mediator).get(_url(case)).content.decode()
    assert "by coordinator" in page
    assert "Record that the requester accepted" not in page
    assert "Record that the other party accepted" in page


def test_acceptance_cannot_be_recorded_twice(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    copy = write_agreement(cast, case).copies.first()
    assert copy is not None
    client = client_for(cast.mediator)
    client.post(_url(case, "accept/"), {"copy": str(copy.pk)})
    response = client.post(_url(case, "accept/"), {"copy": str(copy.pk)}, follow=True)
    assert "already recorded" in response.content.decode()
    assert CaseEvent.objects.filter(kind=EventKind.AGREEMENT_ACCEPTED).count() == 1


@pytest.mark.parametrize("copy_id", [uuid.uuid4(), "not-a-uuid"], ids=["unknown", "malformed"])
def test_acceptance_of_a_copy_not_in_the_agreement_is_refused(cast: Cast, copy_id: object) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    response = client_for(cast.mediator).post(
        _url(case, "accept/"), {"copy": str(copy_id)}, follow=True
    )
    assert "not part of this agreement" in response.content.decode()
    assert not AgreementCopy.objects.filter(accepted_at__isnull=False).exists()


def test_acceptance_of_a_replaced_copy_is_refused(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    old_copy = write_agreement(cast, case).copies.first()
    assert old_copy is not None
    write_agreement(cast, case)
    with audit_context(channel=Channel.WEB), pytest.raises(AgreementRefused):
        agreement_accept(user=cast.mediator, reference=case.reference, copy_id=old_copy.pk)


def test_agreement_page_logs_one_view_per_copy_shown(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    response = client_for(cast.mediator).get(_url(case))
    body = response.content.decode()
    assert ENGLISH_TERMS.splitlines()[0] in body
    assert "工作日晚上十点以后不再播放音乐" in body
    viewed = AccessEvent.objects.filter(action=Action.VIEW, object_type="agreement_copy")
    assert sorted(viewed.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in agreement.copies.values_list("pk", flat=True)
    )


def test_page_without_an_agreement_offers_to_write_one(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    body = client_for(cast.mediator).get(_url(case)).content.decode()
    assert "No agreement has been written" in body
    assert f"/cases/{case.reference}/agreement/write/" in body
    assert not AccessEvent.objects.filter(object_type="agreement_copy").exists()


OUT_OF_SCOPE = ["other_mediator", "privacy_officer", "outsider"]


def _requests(case, copy_id: uuid.UUID) -> list[tuple[str, str, dict]]:
    return [
        ("get", _url(case), {}),
        ("get", _url(case, "write/"), {}),
        ("post", _url(case, "write/"), form_data(case)),
        ("post", _url(case, "accept/"), {"copy": str(copy_id)}),
        ("post", _url(case, "accept/"), {}),
        ("get", _url(case, f"copies/{copy_id}.pdf"), {}),
    ]


@pytest.mark.parametrize("persona", OUT_OF_SCOPE)
def test_every_agreement_page_and_post_is_404_out_of_scope_and_logged(
    cast: Cast, persona: str
) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    copy = agreement.copies.get(party__role="requester")
    client = client_for(getattr(cast, persona))
    for method, url, data in _requests(case, copy.pk):
        before = AccessEvent.objects.filter(outcome=Outcome.REFUSED).count()
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        body = response.content.decode(errors="replace")
        assert "Music" not in body
        assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == before + 1
    assert Agreement.objects.filter(case=case).count() == 1
    copy.refresh_from_db()
    assert copy.accepted_at is None


def test_a_mediator_no_longer_on_the_case_is_refused(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    write_agreement(cast, case)
    case.assignments.update(ended_at=timezone.now())
    assert client_for(cast.mediator).get(_url(case)).status_code == 404


def test_outsider_cannot_write_through_the_service(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    requester, other = parties(case)
    with audit_context(channel=Channel.WEB), pytest.raises(CaseNotFound):
        agreement_record(
            user=cast.outsider,
            reference=case.reference,
            copies=[
                CopyTerms(party_id=requester.pk, language="en", terms="x"),
                CopyTerms(party_id=other.pk, language="en", terms="x"),
            ],
        )


def test_posts_need_a_csrf_token(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    copy = write_agreement(cast, case).copies.first()
    assert copy is not None
    client = client_for(cast.mediator)
    client.handler.enforce_csrf_checks = True
    assert client.post(_url(case, "write/"), form_data(case)).status_code == 403
    assert client.post(_url(case, "accept/"), {"copy": str(copy.pk)}).status_code == 403


def test_a_password_only_session_is_sent_to_sign_in(cast: Cast) -> None:
    case = bring_to_sessions(cast)
    agreement = write_agreement(cast, case)
    copy = agreement.copies.get(party__role="requester")
    client = Client()
    client.force_login(cast.mediator)
    for method, url, data in _requests(case, copy.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert b"Music" not in response.content
    assert Agreement.objects.filter(case=case).count() == 1
    assert not AccessEvent.objects.filter(action=Action.PRINT).exists()


def test_the_agreement_page_logs_every_copy_in_one_insert(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = bring_to_sessions(cast)
    client = client_for(cast.mediator)
    client.post(_url(case, "write/"), form_data(case))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_url(case))
    assert response.status_code == 200
    inserts = [
        q for q in captured.captured_queries if 'INSERT INTO "audit_accessevent"' in q["sql"]
    ]
    assert len(inserts) == 1
    logged = AccessEvent.objects.filter(object_type="agreement_copy", action=Action.VIEW)
    assert logged.count() == 2
    # Session, user (with the roles and two-factor devices), the case (with whether the
    # mediator is on it), the copies with their agreement and the number of versions,
    # the INSERT, the follow-up dates. On PostgreSQL the two-row INSERT comes with a
    # BEGIN and a COMMIT.
    statements = [q["sql"][:60] for q in captured if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 6, statements
    assert len(captured) <= 8
