"""The case page's timeline: one line of text per event, newest first, in the page's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from mediation.cases.models import CaseEvent, EventKind, Reason, Status
from mediation.cases.timeline import TIMELINE_LENGTH, timeline_lines
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _events(cast: Cast) -> None:
    case, start = cast.unassigned_case, timezone.now() - timedelta(days=1)
    CaseEvent.objects.filter(case=case).delete()
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        from_status=Status.SUBMITTED,
        to_status=Status.SCREENING,
        actor=cast.coordinator,
        occurred_at=start,
    )
    CaseEvent.objects.create(
        case=case, kind=EventKind.CONSENT_WITHDRAWN, occurred_at=start + timedelta(hours=1)
    )
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        from_status=Status.SCREENING,
        to_status=Status.CLOSED,
        reason=Reason.NOT_SUITABLE,
        actor=cast.coordinator,
        occurred_at=start + timedelta(hours=2),
    )


def test_lines_are_newest_first_with_who_did_it(cast: Cast) -> None:
    _events(cast)
    with translation.override("en"):
        lines = timeline_lines(case_id=cast.unassigned_case.pk)
    assert [(line.text, line.actor) for line in lines] == [
        ("Screening → Closed (Not suitable for mediation)", "coordinator"),
        ("A party withdrew their consent to mediation", ""),
        ("Submitted → Screening", "coordinator"),
    ]
    assert lines[1].kind == EventKind.CONSENT_WITHDRAWN


def test_lines_are_in_the_language_of_the_page(cast: Cast) -> None:
    _events(cast)
    with translation.override("zh-hans"):
        lines = timeline_lines(case_id=cast.unassigned_case.pk)
    assert lines[0].text == "筛查中 → 已结案 (不适合调解)"
    assert lines[2].text == "已提交 → 筛查中"


def test_a_long_case_shows_its_latest_events(cast: Cast) -> None:
    case, start = cast.unassigned_case, timezone.now() - timedelta(days=100)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=EventKind.NOTE_ADDED, occurred_at=start + timedelta(hours=n))
        for n in range(TIMELINE_LENGTH + 5)
    )
    lines = timeline_lines(case_id=case.pk)
    assert len(lines) == TIMELINE_LENGTH
    assert lines[0].occurred_at == start + timedelta(hours=TIMELINE_LENGTH + 4)
