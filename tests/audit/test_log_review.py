"""The privacy officer's access log review: who may read it, filters and pages.

Unusual patterns are in ``test_log_flags.py``, the CSV export in ``test_log_export.py``.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import Role
from mediation.audit.context import audit_context
from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorRole,
    ActorType,
    BreakGlassAccess,
    Channel,
    Outcome,
    Purpose,
)
from mediation.audit.review import Cursor
from mediation.cases.log_review import (
    LOG_OBJECT_TYPE,
    LogQuery,
    LogQueryError,
    LogReviewNotAvailable,
    access_log_review,
)
from mediation.cases.models import SafetyScreening, ScreeningDecision
from mediation.cases.references import display
from tests.audit.log_review_helpers import EVENTS, EXPORT, FLAGS, _event
from tests.conftest import Cast, client_for
from tests.factories import staff_with_role


def _ids(query: LogQuery, cast: Cast, **kwargs: object) -> list[int]:
    review = access_log_review(user=cast.privacy_officer, query=query, size=200, **kwargs)  # type: ignore[arg-type]
    return [row.id for row in review.rows]


# ---- who may read it, and what they see ------------------------------------


def test_privacy_officer_sees_events_of_their_communities_and_their_staff(cast: Cast) -> None:
    a_case = _event(
        actor_id=str(cast.coordinator.pk),
        object_id=str(cast.unassigned_case.pk),
        community_id=cast.community.pk,
    )
    b_case = _event(
        actor_id=str(cast.outsider.pk),
        object_id=str(cast.other_community_case.pk),
        community_id=cast.other_community.pk,
    )
    a_sign_in = _event(
        actor_id=str(cast.mediator.pk),
        action=Action.LOGIN,
        object_type="totp_device",
        object_id="3",
        purpose=Purpose.AUTHENTICATION,
    )
    b_sign_in = _event(
        actor_id=str(cast.outsider.pk),
        action=Action.LOGIN,
        object_type="totp_device",
        object_id="4",
        purpose=Purpose.AUTHENTICATION,
    )
    a_failed = _event(
        actor_type=ActorType.ANONYMOUS,
        actor_role="",
        action=Action.LOGIN,
        outcome=Outcome.FAILED,
        object_type="staff_user",
        object_id=str(cast.coordinator.pk),
        purpose=Purpose.AUTHENTICATION,
    )
    b_failed = _event(
        actor_type=ActorType.ANONYMOUS,
        actor_role="",
        action=Action.LOGIN,
        outcome=Outcome.FAILED,
        object_type="staff_user",
        object_id=str(cast.outsider.pk),
        purpose=Purpose.AUTHENTICATION,
    )
    throttled = _event(
        actor_type=ActorType.ANONYMOUS,
        actor_role="",
        outcome=Outcome.REFUSED,
        purpose=Purpose.SELF_SERVICE,
    )

    seen = set(_ids(LogQuery(), cast))

    assert {a_case.pk, a_sign_in.pk, a_failed.pk, throttled.pk} <= seen
    assert seen.isdisjoint({b_case.pk, b_sign_in.pk, b_failed.pk})


@pytest.mark.parametrize("persona", ["coordinator", "mediator", "outsider"])
@pytest.mark.parametrize(("method", "url"), [("get", EVENTS), ("get", FLAGS), ("post", EXPORT)])
def test_other_staff_get_a_404_and_the_attempt_is_logged(
    cast: Cast, persona: str, method: str, url: str
) -> None:
    user = getattr(cast, persona)
    response = getattr(client_for(user), method)(url)

    assert response.status_code == 404
    refused = AccessEvent.objects.get(object_type=LOG_OBJECT_TYPE, actor_id=str(user.pk))
    assert refused.outcome == Outcome.REFUSED
    assert refused.purpose == Purpose.REVIEW


def test_an_administrator_is_not_a_reviewer_either(cast: Cast) -> None:
    admin = staff_with_role(Role.ADMINISTRATOR, None, "admin")
    with audit_context(channel=Channel.WEB), pytest.raises(LogReviewNotAvailable):
        access_log_review(user=admin, query=LogQuery())
    assert AccessEvent.objects.get(actor_id=str(admin.pk)).outcome == Outcome.REFUSED


def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(EVENTS)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_reading_the_log_writes_one_list_event(cast: Cast) -> None:
    before = AccessEvent.objects.count()
    response = client_for(cast.privacy_officer).get(EVENTS)

    assert response.status_code == 200
    assert AccessEvent.objects.count() == before + 1
    read = AccessEvent.objects.latest("id")
    assert (read.action, read.object_type, read.purpose, read.actor_role) == (
        Action.LIST,
        LOG_OBJECT_TYPE,
        Purpose.REVIEW,
        ActorRole.PRIVACY_OFFICER,
    )
    assert read.actor_id == str(cast.privacy_officer.pk)


def test_the_page_shows_events_and_names_but_never_case_content(cast: Cast) -> None:
    _event(
        actor_id=str(cast.mediator.pk),
        actor_role=ActorRole.MEDIATOR,
        object_id=str(cast.assigned_case.pk),
        community_id=cast.community.pk,
    )
    response = client_for(cast.privacy_officer).get(
        EVENTS, {"reference": cast.assigned_case.reference}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert display(cast.assigned_case.reference) in html
    assert "mediator" in html
    assert "Assigned: loud music" not in html
    assert "resident@example.org" not in html


# ---- filters ---------------------------------------------------------------


def test_it_filters_by_staff_member(cast: Cast) -> None:
    theirs = _event(actor_id=str(cast.mediator.pk), community_id=cast.community.pk)
    _event(actor_id=str(cast.other_mediator.pk), community_id=cast.community.pk)

    assert _ids(LogQuery(username="mediator"), cast) == [theirs.pk]


def test_it_filters_by_kind_of_actor(cast: Cast) -> None:
    resident = _event(
        actor_type=ActorType.RESIDENT,
        actor_id=str(uuid.uuid4()),
        actor_role=ActorRole.REQUESTER,
        community_id=cast.community.pk,
    )
    _event(actor_id=str(cast.mediator.pk), community_id=cast.community.pk)

    assert _ids(LogQuery(actor_type=ActorType.RESIDENT), cast) == [resident.pk]


def test_it_filters_by_case_reference_including_the_case_parts(cast: Cast) -> None:
    case = cast.unassigned_case
    screening = SafetyScreening.objects.create(
        case=case,
        party=case.parties.get(),
        screener=cast.coordinator,
        decision=ScreeningDecision.values[0],
    )
    on_case = _event(object_id=str(case.pk), community_id=cast.community.pk)
    on_screening = _event(
        object_type="safety_screening", object_id=str(screening.pk), community_id=cast.community.pk
    )
    _event(object_id=str(cast.assigned_case.pk), community_id=cast.community.pk)
    _event(
        object_type="safety_screening", object_id=str(uuid.uuid4()), community_id=cast.community.pk
    )

    found = _ids(LogQuery(reference=display(case.reference)), cast)

    assert {on_case.pk, on_screening.pk} <= set(found)
    assert set(AccessEvent.objects.filter(pk__in=found).values_list("object_id", flat=True)) == {
        str(case.pk),
        str(screening.pk),
    }


def test_a_case_reference_searches_all_time_unless_dates_are_given(cast: Cast) -> None:
    old = _event(
        object_id=str(cast.unassigned_case.pk),
        community_id=cast.community.pk,
        occurred_at=timezone.now() - datetime.timedelta(days=400),
    )
    reference = cast.unassigned_case.reference

    assert old.pk in _ids(LogQuery(reference=reference), cast)
    assert old.pk not in _ids(
        LogQuery(reference=reference, date_from=timezone.localdate() - datetime.timedelta(days=5)),
        cast,
    )
    assert old.pk not in _ids(LogQuery(), cast)


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", Action.UPDATE), ("outcome", Outcome.REFUSED), ("purpose", Purpose.TRIAGE)],
)
def test_it_filters_by_code(cast: Cast, field: str, value: str) -> None:
    match = _event(community_id=cast.community.pk, **{field: value})
    _event(community_id=cast.community.pk)

    assert _ids(LogQuery(**{field: value}), cast) == [match.pk]


def test_it_filters_by_dates_in_local_days(cast: Cast) -> None:
    today = timezone.localdate()
    day = today - datetime.timedelta(days=3)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    inside = _event(community_id=cast.community.pk, occurred_at=noon)
    _event(community_id=cast.community.pk, occurred_at=noon - datetime.timedelta(days=1))
    _event(community_id=cast.community.pk, occurred_at=noon + datetime.timedelta(days=1))

    assert _ids(LogQuery(date_from=day, date_to=day, action=Action.VIEW), cast) == [inside.pk]


def test_it_filters_break_glass_events(cast: Cast) -> None:
    access_id = uuid.uuid4()
    under = _event(
        actor_id=str(cast.outsider.pk),
        object_id=str(cast.unassigned_case.pk),
        community_id=cast.community.pk,
        purpose=Purpose.BREAK_GLASS,
        break_glass_id=access_id,
    )
    _event(object_id=str(cast.unassigned_case.pk), community_id=cast.community.pk)

    assert _ids(LogQuery(break_glass_only=True), cast) == [under.pk]
    html = client_for(cast.privacy_officer).get(EVENTS, {"break_glass": "on"}).content.decode()
    assert f"{reverse('break_glass:review')}?show=all#access-{access_id}" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (LogQuery(username="nobody-here"), "username"),
        (LogQuery(username="mediator", actor_type=ActorType.RESIDENT), "actor_type"),
        (LogQuery(reference="not a reference"), "reference"),
        (
            LogQuery(date_from=datetime.date(2026, 5, 2), date_to=datetime.date(2026, 5, 1)),
            "date_to",
        ),
        (
            LogQuery(date_from=datetime.date(2024, 1, 1), date_to=datetime.date(2026, 1, 1)),
            "date_from",
        ),
    ],
)
def test_it_refuses_filters_it_cannot_use(cast: Cast, query: LogQuery, field: str) -> None:
    with pytest.raises(LogQueryError) as refused:
        access_log_review(user=cast.privacy_officer, query=query)
    assert refused.value.field == field


def test_a_case_of_another_community_is_not_found(cast: Cast) -> None:
    response = client_for(cast.privacy_officer).get(
        EVENTS, {"reference": cast.other_community_case.reference}
    )

    assert response.status_code == 400
    assert "No case in your communities has that reference." in response.content.decode()


# ---- pages -----------------------------------------------------------------


def test_pages_follow_each_other_by_keyset_even_within_one_instant(cast: Cast) -> None:
    instant = timezone.now() - datetime.timedelta(minutes=5)
    made = [
        _event(community_id=cast.community.pk, action=Action.PRINT, occurred_at=instant)
        for _ in range(30)
    ] + [
        _event(
            community_id=cast.community.pk,
            action=Action.PRINT,
            occurred_at=instant - datetime.timedelta(seconds=n),
        )
        for n in range(1, 31)
    ]
    newest_first = sorted(made, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    query = LogQuery(action=Action.PRINT)

    first = access_log_review(user=cast.privacy_officer, query=query, size=25)
    second = access_log_review(
        user=cast.privacy_officer, query=query, size=25, older_than=first.older
    )
    third = access_log_review(
        user=cast.privacy_officer, query=query, size=25, older_than=second.older
    )
    back = access_log_review(
        user=cast.privacy_officer, query=query, size=25, newer_than=second.newer
    )

    pages = [[row.id for row in page.rows] for page in (first, second, third)]
    assert pages == [[e.pk for e in newest_first[i : i + 25]] for i in (0, 25, 50)]
    assert (first.newer, third.older) == (None, None)
    assert [row.id for row in back.rows] == pages[0]


def test_a_malformed_cursor_shows_the_newest_page(cast: Cast) -> None:
    assert Cursor.decode("12.x") is None
    assert Cursor.decode("9" * 30 + ".1") is None
    response = client_for(cast.privacy_officer).get(EVENTS, {"older": "'; DROP TABLE"})
    assert response.status_code == 200


def test_cursors_round_trip_to_the_microsecond() -> None:
    moment = datetime.datetime(2026, 11, 29, 23, 59, 59, 999_999, tzinfo=datetime.UTC)
    assert Cursor.decode(Cursor(moment, 42).encode()) == Cursor(moment, 42)


def _many_actors_and_cases(cast: Cast, count: int) -> None:
    staff = [staff_with_role(Role.MEDIATOR, cast.community, f"m{n}") for n in range(count)]
    for n, user in enumerate(staff):
        _event(
            actor_id=str(user.pk),
            object_id=str([cast.assigned_case, cast.unassigned_case][n % 2].pk),
            community_id=cast.community.pk,
            break_glass_id=uuid.uuid4() if n % 3 == 0 else None,
        )


def _queries_for_page(cast: Cast, per_page: int) -> list[str]:
    client = client_for(cast.privacy_officer)
    client.get(EVENTS)  # session and locale set up once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EVENTS, {"per_page": per_page})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_page_takes_the_same_queries_whatever_its_size_and_never_counts(cast: Cast) -> None:
    _many_actors_and_cases(cast, 110)

    small = _queries_for_page(cast, 25)
    large = _queries_for_page(cast, 200)

    assert len(small) == len(large)
    assert not any("COUNT(" in sql.upper() for sql in large)


def test_break_glass_accesses_of_a_case_are_part_of_its_history(cast: Cast) -> None:
    access = BreakGlassAccess.objects.create(
        user=cast.outsider,
        case_id=cast.unassigned_case.pk,
        community_id=cast.community.pk,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    opened = _event(
        actor_id=str(cast.outsider.pk),
        action=Action.CREATE,
        object_type="break_glass",
        object_id=str(access.pk),
        community_id=cast.community.pk,
        break_glass_id=access.pk,
    )

    assert opened.pk in _ids(LogQuery(reference=cast.unassigned_case.reference), cast)
