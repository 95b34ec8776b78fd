"""Access log primitives: same-transaction events, refusals that survive rollback."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection, transaction

from mediation.audit.actors import Actor
from mediation.audit.context import audit_context
from mediation.audit.models import AccessEvent, Action, ActorType, Channel, Outcome, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused


class Boom(Exception):
    pass


def _record_success() -> AccessEvent:
    return access_event_record(
        actor=Actor.staff(7),
        action=Action.UPDATE,
        object_type="case",
        object_id="abc",
        purpose=Purpose.CASEWORK,
    )


def _record_refused() -> None:
    access_event_record_refused(
        actor=Actor.staff(7),
        action=Action.VIEW,
        object_type="case",
        object_id="abc",
        purpose=Purpose.CASEWORK,
    )


@pytest.mark.django_db(transaction=True)
def test_a_success_event_rolls_back_with_its_change() -> None:
    with pytest.raises(Boom), transaction.atomic():
        _record_success()
        raise Boom
    assert AccessEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_refused_attempt_survives_the_rollback_of_its_transaction() -> None:
    with audit_context(channel=Channel.COMMAND), pytest.raises(Boom), transaction.atomic():
        _record_success()
        _record_refused()
        raise Boom
    events = list(AccessEvent.objects.values_list("outcome", "action"))
    assert events == [(Outcome.REFUSED, Action.VIEW)]


@pytest.mark.django_db(transaction=True)
def test_a_refused_attempt_outside_a_transaction_is_written_at_once() -> None:
    assert not connection.in_atomic_block
    _record_refused()
    assert AccessEvent.objects.filter(outcome=Outcome.REFUSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refusal_inside_a_transaction_without_a_context_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="audit context"), transaction.atomic():
        _record_refused()


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_is_logged_even_when_its_transaction_rolls_back(cast_db) -> None:
    """The request path: the middleware writes refusals after the view's transaction."""
    from tests.conftest import client_for

    client = client_for(cast_db.outsider)
    response = client.get(f"/cases/{cast_db.assigned_case.reference}/")
    assert response.status_code == 404
    event = AccessEvent.objects.get(outcome=Outcome.REFUSED)
    assert event.channel == Channel.WEB
    assert str(event.request_id) == response["X-Request-ID"]


@pytest.mark.django_db
def test_events_carry_codes_and_ids_only() -> None:
    with audit_context(channel=Channel.WEB) as context:
        event = _record_success()
    event.refresh_from_db()
    assert event.actor_type == ActorType.STAFF
    assert event.actor_id == "7"
    assert event.request_id == context.request_id
    text_fields = [
        f.name for f in AccessEvent._meta.concrete_fields if f.get_internal_type() == "TextField"
    ]
    assert text_fields == []
    longest = max(
        f.max_length or 0 for f in AccessEvent._meta.concrete_fields if hasattr(f, "max_length")
    )
    assert longest <= 64


@pytest.mark.django_db
def test_web_events_carry_the_days_client_marker_and_commands_none(cast) -> None:
    from django.test import RequestFactory

    from mediation.privacy.clients import client_marker
    from tests.conftest import client_for

    expected = client_marker(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))
    client = client_for(cast.coordinator)
    assert client.get(f"/cases/{cast.assigned_case.reference}/").status_code == 200
    assert client.get(f"/cases/{cast.other_community_case.reference}/").status_code == 404

    web = AccessEvent.objects.filter(channel=Channel.WEB)
    assert {event.client for event in web} == {expected}
    assert set(web.values_list("outcome", flat=True)) >= {Outcome.SUCCESS, Outcome.REFUSED}

    with audit_context(channel=Channel.COMMAND):
        _record_success()
    assert AccessEvent.objects.get(channel=Channel.COMMAND).client == ""


@pytest.mark.django_db
def test_the_bench_switch_turns_every_kind_of_event_off(settings) -> None:
    """Only `make bench` uses it (to measure what logging costs); production refuses it."""
    from mediation.audit.services import access_events_record

    settings.MEDIATION_BENCH_ACCESS_LOG_OFF = True
    _record_success()
    _record_refused()
    access_events_record(
        actor=Actor.staff(7),
        action=Action.VIEW,
        object_type="case",
        object_ids=["a", "b"],
        purpose=Purpose.CASEWORK,
    )
    with audit_context(channel=Channel.WEB):
        _record_refused()
    assert AccessEvent.objects.count() == 0

    settings.MEDIATION_BENCH_ACCESS_LOG_OFF = False
    _record_success()
    assert AccessEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_event_is_written_as_model_save_writes_it() -> None:
    from django.utils import timezone

    from mediation.audit.services import _event

    break_glass = uuid.uuid4()
    values: dict[str, Any] = {
        "actor": Actor.staff(7),
        "action": Action.VIEW,
        "object_type": "case",
        "object_id": "case-9",
        "purpose": Purpose.BREAK_GLASS,
        "community_id": 4,
        "break_glass_id": break_glass,
    }
    recorded = access_event_record(**values)
    saved = _event(**values, outcome=Outcome.SUCCESS)
    saved.occurred_at = recorded.occurred_at
    saved.save(force_insert=True)
    assert recorded.pk is not None
    assert saved.pk == recorded.pk + 1
    assert recorded.xact_id == (saved.xact_id if connection.vendor == "postgresql" else None)
    columns = [f.attname for f in AccessEvent._meta.concrete_fields if f.attname != "id"]
    if connection.vendor == "postgresql":
        columns.remove("xact_id")  # each transaction's own
    read = AccessEvent.objects.filter(pk__in=[recorded.pk, saved.pk]).order_by("pk")
    first, second = read.values_list(*columns)
    assert first == second
    assert first[columns.index("break_glass_id")] == break_glass
    assert first[columns.index("occurred_at")] <= timezone.now()
    assert [getattr(recorded, c) for c in columns] == list(first)
