"""The access log's CSV export: what it holds, that it is logged, and no formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from mediation.audit.export import spreadsheet_safe
from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorType,
    Purpose,
)
from mediation.cases.log_review import (
    EXPORT_ROW_CAP,
    LOG_OBJECT_TYPE,
)
from tests.audit.log_review_helpers import EVENTS, EXPORT, _event
from tests.conftest import Cast, client_for


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_could_run_as_formulas_are_neutralised(start: str) -> None:
    assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("a=1") == "a=1"
    assert spreadsheet_safe(None) == ""


def _export(cast: Cast, **filters: str) -> list[list[str]]:
    response = client_for(cast.privacy_officer).post(EXPORT, filters)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_the_export_neutralises_injected_formulas(cast: Cast) -> None:
    _event(
        actor_type=ActorType.SYSTEM,
        actor_id="=cmd|' /C calc'!A0",
        actor_role="",
        object_type="case",
        object_id='+HYPERLINK("http://evil.example")',
        community_id=cast.community.pk,
    )

    rows = _export(cast)

    header, cells = rows[0], [cell for row in rows[1:] for cell in row]
    assert header[0] == "event_id"
    assert "'=cmd|' /C calc'!A0" in cells
    assert '\'+HYPERLINK("http://evil.example")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_export_is_logged_and_holds_the_filtered_events(cast: Cast) -> None:
    mine = _event(
        actor_id=str(cast.mediator.pk),
        object_id=str(cast.assigned_case.pk),
        community_id=cast.community.pk,
    )
    _event(actor_id=str(cast.coordinator.pk), community_id=cast.community.pk)

    rows = _export(cast, username="mediator")

    assert [row[0] for row in rows[1:]] == [str(mine.pk)]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["actor_username"] == "mediator"
    assert record["case_reference"] == cast.assigned_case.reference
    assert "Assigned: loud music" not in ",".join(rows[1])
    export = AccessEvent.objects.get(action=Action.EXPORT)
    assert (export.object_type, export.purpose, export.actor_id) == (
        LOG_OBJECT_TYPE,
        Purpose.REVIEW,
        str(cast.privacy_officer.pk),
    )


def test_the_export_needs_a_post_with_its_csrf_token(cast: Cast) -> None:
    client = client_for(cast.privacy_officer)
    assert client.get(EXPORT).status_code == 405
    client.handler.enforce_csrf_checks = True  # type: ignore[attr-defined]
    assert client.post(EXPORT).status_code == 403
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_with_a_bad_filter_goes_back_to_the_log(cast: Cast) -> None:
    response = client_for(cast.privacy_officer).post(EXPORT, {"username": "nobody-here"})

    assert response.status_code == 302
    assert response["Location"] == f"{EVENTS}?username=nobody-here"
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_is_capped() -> None:
    assert EXPORT_ROW_CAP == 100_000
