"""The demo data shows casework made through the real services."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mediation.assignment.models import MediatorProfile
from mediation.audit.models import AccessEvent
from mediation.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Note,
    Partner,
    Session,
    Status,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_profiles_partners_and_an_upcoming_session() -> None:
    call_command("load_demo_data", stdout=StringIO())

    assert MediatorProfile.objects.count() == 3
    assert set(Partner.objects.values_list("slug", flat=True)) == {
        "riverside-legal-aid",
        "city-victim-support",
    }
    session = Session.objects.select_related("case").get()
    assert session.case.status == Status.SESSIONS
    assert session.case.community.slug == "riverside"
    assert session.bookings.get().mediator.username == "mediator1"
    assert Note.objects.get(case=session.case).author.username == "mediator1"
    kinds = set(CaseEvent.objects.filter(case=session.case).values_list("kind", flat=True))
    assert {EventKind.SESSION_SCHEDULED, EventKind.NOTE_ADDED} <= kinds
    assert AccessEvent.objects.filter(object_id=str(session.case.pk)).count() >= 3


def test_closed_demo_cases_say_how_they_ended() -> None:
    call_command("load_demo_data", stdout=StringIO())
    closed = Case.objects.filter(status=Status.CLOSED)
    assert closed.exists()
    assert not closed.filter(outcome="").exists()
    assert not closed.filter(closed_at__isnull=True).exists()
