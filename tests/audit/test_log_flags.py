"""The access log review's flags: unusual patterns of access, their thresholds and quiet hours."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from mediation.audit.flags import Thresholds
from mediation.audit.models import (
    ActorType,
    Outcome,
    Purpose,
)
from mediation.cases.log_review import (
    access_log_flags,
)
from mediation.cases.references import display
from tests.audit.log_review_helpers import FLAGS, _event
from tests.conftest import Cast, client_for


def test_flags_stay_quiet_on_ordinary_work(cast: Cast) -> None:
    noon = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=1), datetime.time(12)
        )
    )
    for case in (cast.assigned_case, cast.unassigned_case):
        _event(
            actor_id=str(cast.coordinator.pk),
            object_id=str(case.pk),
            community_id=cast.community.pk,
            occurred_at=noon,
        )

    report = access_log_flags(user=cast.privacy_officer)

    assert report.staff_case_views == []
    assert report.quiet_hour_activity == []
    assert report.failed_status_checks == []


def test_flags_fire_on_break_glass_refusals_night_work_and_guessed_codes(cast: Cast) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    night = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(23, 30)))
    noon = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(12)))
    for case_id in [uuid.uuid4() for _ in range(3)]:
        _event(
            actor_id=str(cast.outsider.pk),
            object_id=str(case_id),
            community_id=cast.community.pk,
            purpose=Purpose.BREAK_GLASS,
            break_glass_id=uuid.uuid4(),
            occurred_at=noon,
        )
    for _ in range(5):
        _event(
            actor_id=str(cast.other_mediator.pk),
            outcome=Outcome.REFUSED,
            object_id=str(cast.assigned_case.pk),
            community_id=cast.community.pk,
            occurred_at=noon,
        )
    _event(actor_id=str(cast.mediator.pk), community_id=cast.community.pk, occurred_at=night)
    for _ in range(10):
        _event(
            actor_type=ActorType.ANONYMOUS,
            actor_role="",
            outcome=Outcome.REFUSED,
            object_id=str(cast.unassigned_case.pk),
            community_id=cast.community.pk,
            purpose=Purpose.SELF_SERVICE,
            occurred_at=noon,
        )

    report = access_log_flags(user=cast.privacy_officer)

    views = {row.username: row for row in report.staff_case_views}
    assert views["outsider"].break_glass_cases == 3
    assert views["other_mediator"].refused_views == 5
    assert [row.username for row in report.quiet_hour_activity] == ["mediator"]
    assert [(row.reference, row.attempts) for row in report.failed_status_checks] == [
        (display(cast.unassigned_case.reference), 10)
    ]
    assert "username=outsider" in views["outsider"].query


def test_flags_respect_their_thresholds(cast: Cast) -> None:
    for _ in range(2):
        _event(
            actor_id=str(cast.other_mediator.pk),
            outcome=Outcome.REFUSED,
            object_id=str(cast.assigned_case.pk),
            community_id=cast.community.pk,
        )

    assert access_log_flags(user=cast.privacy_officer).staff_case_views == []
    fired = access_log_flags(user=cast.privacy_officer, thresholds=Thresholds(refused_case_views=2))
    assert [row.refused_views for row in fired.staff_case_views] == [2]


def test_flags_ignore_other_communities(cast: Cast) -> None:
    for _ in range(10):
        _event(
            actor_type=ActorType.ANONYMOUS,
            actor_role="",
            outcome=Outcome.REFUSED,
            object_id=str(cast.other_community_case.pk),
            community_id=cast.other_community.pk,
        )

    assert access_log_flags(user=cast.privacy_officer).failed_status_checks == []


def test_the_flags_page_links_each_flag_to_the_filtered_log(cast: Cast) -> None:
    for _ in range(10):
        _event(
            actor_type=ActorType.ANONYMOUS,
            actor_role="",
            outcome=Outcome.FAILED,
            object_id=str(cast.unassigned_case.pk),
            community_id=cast.community.pk,
        )
    client = client_for(cast.privacy_officer)

    html = client.get(FLAGS).content.decode()

    assert f"reference={cast.unassigned_case.reference}" in html
    assert (
        client.get(FLAGS, {"date_from": "2026-01-01", "date_to": "2026-03-01"}).status_code == 400
    )


def test_quiet_hours_come_from_the_settings(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIATION_REVIEW_QUIET_HOURS = (12, 14)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    lunch = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(12, 30)))
    _event(actor_id=str(cast.coordinator.pk), community_id=cast.community.pk, occurred_at=lunch)
    _event(
        actor_id=str(cast.mediator.pk),
        community_id=cast.community.pk,
        occurred_at=lunch + datetime.timedelta(hours=10),
    )

    report = access_log_flags(user=cast.privacy_officer)

    assert report.quiet_hours == (12, 14)
    assert [row.username for row in report.quiet_hour_activity] == ["coordinator"]


def test_many_failed_status_checks_from_one_client_are_flagged_across_cases(cast: Cast) -> None:
    cases = [cast.unassigned_case, cast.assigned_case]
    for number in range(20):
        _event(
            actor_type=ActorType.ANONYMOUS,
            actor_role="",
            outcome=Outcome.REFUSED,
            object_id=str(cases[number % 2].pk),
            community_id=cast.community.pk,
            purpose=Purpose.SELF_SERVICE,
            client="3f9a0c1e",
        )
    for _ in range(19):  # below the threshold
        _event(
            actor_type=ActorType.ANONYMOUS,
            actor_role="",
            outcome=Outcome.REFUSED,
            object_id=str(cast.unassigned_case.pk),
            community_id=cast.community.pk,
            client="0000aaaa",
        )

    report = access_log_flags(user=cast.privacy_officer)

    assert [(row.client, row.attempts, row.cases) for row in report.failed_checks_by_client] == [
        ("3f9a0c1e", 20, 2)
    ]
    page = client_for(cast.privacy_officer).get("/audit/log/flags/").content.decode()
    assert "3f9a0c1e" in page
    assert "0000aaaa" not in page
