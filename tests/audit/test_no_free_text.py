"""No personal data and no free text in the access log, nor in the application's logging.

Issue 5, item 2 (ASVS 16.2.5), and SECURITY.md failure scenario 6: CR/LF and
escape sequences in input do not forge log lines. Every free-text field a
person can fill, and every filter, search and path parameter, is sent with a
marker; the marker must then be nowhere in the access log and nowhere in what
Python logging emitted, and every column of every event must hold a code or
an id.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

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
from mediation.cases.models import Note, Statement
from mediation.privacy.classification import Personal
from mediation.privacy.fields import EncryptedField
from mediation.privacy.inventory import INVENTORY
from tests.audit.world import World, build_world, resident_client
from tests.cases.casework import at, form_data
from tests.conftest import Cast, client_for
from tests.factories import PASSWORD
from tests.intake.journey import ANSWERS, answer_all

pytestmark = pytest.mark.django_db

# Typed into forms, filters and searches. Letters and digits only, so that it
# also fits where an email address, a username or a reference is expected.
MARKER = "zqxjmarker7731"
# Put in URL paths (references, tokens, ids), which are not free text but
# must not reach an event either.
PATH_MARKER = "pathprobe4412"
FORGED_LINE = "2026-11-29 12:00:00 INFO access granted to admin"
# Free text with new lines that would start a forged log line.
LINES = f"Noise from upstairs {MARKER}\r\n{FORGED_LINE}\nand more {MARKER}"
# The same with a terminal escape sequence (red text, cursor up): many forms refuse it.
ESCAPES = f"{LINES}\x1b[31m\x1b[1A{MARKER}\x1b[0m"
EMAIL = f"{MARKER}@example.org"
LOGGERS = ("mediation", "django.request", "django.security", "django.server", "axes")

ID = re.compile(r"^(|\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
CODE = re.compile(r"^[a-z][a-z_]*$")


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every record of the app's and Django's loggers at DEBUG, whatever the settings."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield caplog
    finally:
        for logger, (level, _propagate) in zip(loggers, saved, strict=True):
            logger.setLevel(level)
            logger.removeHandler(caplog.handler)


def _public_form_and_status_page(world: World) -> None:
    community = world.cast.community.pk
    resident = Client()
    answer_all(
        resident,
        community,
        **{
            "what-happened": {"description": LINES},
            "other-party": {"identity": LINES, "approach": "centre", "contact": LINES},
            "contact": {**ANSWERS["contact"], "detail": EMAIL},
        },
    )
    assert resident.post("/request/send/").status_code == 200
    anonymous = Client()
    anonymous.post("/status/", {"reference": ESCAPES, "code": ESCAPES})
    anonymous.post("/status/", {"reference": world.reference, "code": LINES})
    anonymous.post("/status/lost-code/", {"reference": ESCAPES, "email": EMAIL})
    anonymous.post("/status/lost-code/", {"reference": world.reference, "email": EMAIL})
    signed_in = resident_client(world)
    signed_in.post("/status/case/add/", {"text": LINES})
    signed_in.post("/status/case/add/", {"text": ESCAPES})
    signed_in.post(
        "/status/case/contact/",
        {"channel": "email", "detail": EMAIL, "times": ["evenings"], "consent": "on"},
    )
    signed_in.post("/status/case/contact/", {"channel": "phone", "detail": ESCAPES})
    assert MARKER in signed_in.post("/status/case/download/").content.decode()


def _staff_sign_in(world: World) -> None:
    anonymous = Client()
    anonymous.post(reverse("accounts:login"), {"username": ESCAPES, "password": ESCAPES})
    anonymous.post(
        reverse("accounts:login"),
        {"username": world.cast.coordinator.username, "password": LINES},
    )
    client_for(world.cast.coordinator)  # gives the coordinator an authenticator app
    pending = Client()
    pending.post(
        reverse("accounts:login"),
        {"username": world.cast.coordinator.username, "password": PASSWORD},
    )
    pending.post(reverse("accounts:verify"), {"code": ESCAPES})
    pending.post(reverse("accounts:recovery"), {"code": ESCAPES})


def _casework(world: World) -> None:
    cast, reference = world.cast, world.reference
    coordinator, mediator = client_for(cast.coordinator), client_for(cast.mediator)
    case_url = f"/cases/{reference}"
    coordinator.get("/cases/", {"sort": ESCAPES, "page": ESCAPES, "per_page": MARKER})
    for headers in ({}, {"HX-Request": "true"}):
        coordinator.get(
            "/cases/triage/",
            dict.fromkeys(("community", "category", "channel", "safety", "page"), ESCAPES),
            headers=headers,
        )
    coordinator.post(f"{case_url}/notes/", {"visibility": "shared", "text": LINES})
    coordinator.post(f"{case_url}/notes/", {"visibility": ESCAPES, "text": ESCAPES})
    assert MARKER in mediator.get(f"{case_url}/notes/").content.decode()
    coordinator.post(
        f"{case_url}/move/",
        {"target": "closed", "outcome": ESCAPES, "reason": ESCAPES, "source": ESCAPES},
    )
    coordinator.post(f"{case_url}/duplicate/", {"other_reference": ESCAPES})
    parties = [str(world.requester.pk), str(world.other_party.pk)]
    mediator.post(
        f"{case_url}/sessions/new/",
        form_data(at(5, 14), at(5, 15), location=LINES, party_ids=[world.requester.pk]),
    )
    mediator.post(
        f"{case_url}/sessions/new/",
        {**form_data(at(6, 14), at(6, 15), location=ESCAPES), "parties": parties},
    )
    mediator.post(
        f"{case_url}/sessions/{world.session.pk}/",
        form_data(at(3, 12), at(3, 13), location=ESCAPES),
    )
    terms = {f"terms_{uuid.UUID(party).hex}": LINES for party in parties}
    languages = {f"language_{uuid.UUID(party).hex}": "en" for party in parties}
    mediator.post(f"{case_url}/agreement/write/", {**terms, **languages})
    mediator.post(f"{case_url}/agreement/accept/", {"copy": ESCAPES})
    coordinator.post(f"{case_url}/follow-ups/add/", {"add-due_on": ESCAPES})
    coordinator.post(
        f"{case_url}/follow-ups/{world.follow_up.pk}/",
        {f"result-{world.follow_up.pk.hex}-result": ESCAPES},
    )
    coordinator.post(
        f"{case_url}/screening/party/{world.other_party.pk}/",
        {"violence_ever": ESCAPES, "decision": ESCAPES, "held_privately": "on"},
    )
    coordinator.post(
        f"{case_url}/referral/",
        {"party": ESCAPES, "partner": ESCAPES, "items": [ESCAPES], "action": "preview"},
    )
    coordinator.post(f"{case_url}/referral/consent-withdrawn/", {"party": ESCAPES})
    coordinator.post(
        f"{case_url}/other-party/agreed/",
        {"agreed-agreed": "on", "agreed-name": LINES, "contact-detail": ESCAPES},
    )


def _assignment_and_break_glass(world: World) -> None:
    cast, reference = world.cast, world.reference
    coordinator, mediator = client_for(cast.coordinator), client_for(cast.mediator)
    coordinator.post(
        f"/assignment/cases/{reference}/assign/",
        {"mediator": ESCAPES, "role": ESCAPES, "confirmed_in_person": ESCAPES},
    )
    coordinator.post(
        f"/assignment/cases/{reference}/objection/", {"party": ESCAPES, "mediator": ESCAPES}
    )
    coordinator.post(
        f"/assignment/mediators/{cast.mediator.pk}/profile/",
        {"languages": [ESCAPES], "max_active_cases": ESCAPES},
    )
    mediator.post("/assignment/declarations/", {"names": LINES})
    mediator.post("/assignment/declarations/remove/", {"name": ESCAPES})
    outsider = client_for(cast.outsider)
    outsider.post(
        "/break-glass/",
        {"reference": reference, "reason": f"Covering a colleague {LINES}", "understood": "on"},
    )
    outsider.post("/break-glass/", {"reference": ESCAPES, "reason": ESCAPES, "understood": "on"})
    client_for(cast.privacy_officer).get("/break-glass/review/", {"show": ESCAPES})
    client_for(world.administrator).get(
        reverse("admin:accounts_user_changelist"), {"q": ESCAPES, "o": ESCAPES}
    )


def _path_probes(world: World) -> None:
    coordinator = client_for(world.cast.coordinator)
    probe = f"{PATH_MARKER}%0D%0A{PATH_MARKER}%1B%5B31m"
    for path in (
        f"/cases/{probe}/",
        f"/cases/{probe}/sessions/",
        f"/cases/{probe}/agreement/",
        f"/assignment/cases/{probe}/",
        f"/cases/{world.reference}/screening/{uuid.uuid4()}/",
    ):
        coordinator.get(path)
    coordinator.post(f"/intake/{probe}/new-code/")
    client_for(world.cast.privacy_officer).post(
        f"/break-glass/review/{probe}/", {"decision": "justified"}
    )
    client_for(world.cast.coordinator).post(
        f"/break-glass/review/{probe}/", {"decision": "justified"}
    )
    Client().get(f"/calendar/feed/{probe}.ics")


def _drive_every_input(cast: Cast) -> World:
    world = build_world(cast, LINES)
    before = AccessEvent.objects.count()
    statements, notes = Statement.objects.count(), Note.objects.count()
    _public_form_and_status_page(world)
    _staff_sign_in(world)
    _casework(world)
    _assignment_and_break_glass(world)
    _path_probes(world)
    # The text reached the system (and was stored, encrypted)...
    assert Statement.objects.count() > statements
    assert Note.objects.count() > notes
    # ...and the requests were logged, refusals included.
    assert AccessEvent.objects.count() - before > 30
    assert AccessEvent.objects.exclude(outcome=Outcome.SUCCESS).count() >= 10
    return world


def _event_rows() -> list[dict[str, Any]]:
    return list(AccessEvent.objects.values())


def test_free_text_never_reaches_the_access_log(cast: Cast) -> None:
    _drive_every_input(cast)

    for row in _event_rows():
        for column, value in row.items():
            text = value.isoformat() if isinstance(value, datetime) else str(value or "")
            assert MARKER not in text.lower(), (column, row)
            assert PATH_MARKER not in text.lower(), (column, row)
            assert not re.search(r"[\s\x00-\x1f\x7f]", text), (column, row)


def test_every_column_of_every_event_holds_a_code_or_an_id(cast: Cast) -> None:
    _drive_every_input(cast)

    for row in _event_rows():
        assert row["actor_type"] in ActorType.values, row
        assert row["actor_role"] in ActorRole.values, row
        assert row["action"] in Action.values, row
        assert row["outcome"] in Outcome.values, row
        assert row["purpose"] in Purpose.values, row
        assert row["channel"] in Channel.values, row
        assert CODE.match(row["object_type"]), row
        assert ID.match(row["object_id"]), row
        # A user, a party, or a system job's fixed code ("purge_request_drafts").
        assert ID.match(row["actor_id"]) or CODE.match(row["actor_id"]), row
        assert row["community_id"] is None or isinstance(row["community_id"], int), row
        for column in ("request_id", "break_glass_id"):
            assert row[column] is None or isinstance(row[column], uuid.UUID), row


def test_free_text_never_reaches_python_logging(
    cast: Cast, logged: pytest.LogCaptureFixture
) -> None:
    _drive_every_input(cast)

    # Django logs the path of a 4xx answer: the probes were seen, and escaped below.
    assert any(PATH_MARKER in record.getMessage() for record in logged.records)
    for record in logged.records:
        message = record.getMessage()
        assert MARKER not in message.lower(), (record.name, message)
        assert FORGED_LINE not in message, (record.name, message)
        # A path is logged escaped: no input starts a new line or moves the cursor.
        assert not re.search(r"[\r\n\x1b]", message), (record.name, message)


def test_a_break_glass_reason_lives_encrypted_in_its_own_record(cast: Cast) -> None:
    world = build_world(cast, LINES)
    access = world.break_glass

    assert isinstance(BreakGlassAccess._meta.get_field("reason"), EncryptedField)
    assert isinstance(INVENTORY["audit.BreakGlassAccess"]["reason"], Personal)
    assert MARKER.encode() not in bytes(
        BreakGlassAccess.objects.values_list("reason", flat=True).get(pk=access.pk)
    )
    event = AccessEvent.objects.get(object_type="break_glass", action=Action.CREATE)
    assert (event.object_id, event.break_glass_id) == (str(access.pk), access.pk)


def test_the_log_has_no_column_for_free_text() -> None:
    """Codes and ids only: short character columns, no text or binary column."""
    for model_field in AccessEvent._meta.concrete_fields:
        assert not isinstance(model_field, models.TextField | models.BinaryField), model_field
        if isinstance(model_field, models.CharField):
            assert model_field.max_length <= 64, model_field
