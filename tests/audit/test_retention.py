"""Retention of the access log: pruning only behind an exported checkpoint (issue 5, item 4)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mediation.audit import sealing
from mediation.audit.actors import Actor
from mediation.audit.models import (
    AccessEvent,
    AccessLogCheckpoint,
    AccessLogSeal,
    Action,
    Purpose,
)
from mediation.audit.retention import PruningRefused, prune_access_log
from mediation.audit.services import access_event_record
from mediation.audit.verification import BreakKind, retention_cutoff, verify_access_log
from tests.audit.sealing_helpers import record, seal, sealed_ids, tampering

pytestmark = pytest.mark.django_db(transaction=True)


def _old_and_new_log(tmp_path: Path) -> tuple[list[int], list[int], Path]:
    """Four events sealed seven years ago (checkpoints at 2 and 4), two sealed now; exported."""
    long_ago = timezone.now() - timedelta(days=7 * 366)
    old = [record(f"old-{number}").pk for number in range(4)]
    with mock.patch.object(sealing.timezone, "now", return_value=long_ago):
        seal(batch_size=2)
    new = [record(f"new-{number}").pk for number in range(2)]
    seal()
    exported = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=exported)
    return old, new, exported


def test_events_past_retention_go_up_to_the_last_exported_checkpoint(tmp_path: Path) -> None:
    _, new, exported = _old_and_new_log(tmp_path)

    with exported.open() as lines:
        result = prune_access_log(exported=lines)

    assert (result.through_position, result.events, result.seals) == (4, 4, 4)
    remaining = AccessEvent.objects.exclude(object_type="access_log")
    assert set(remaining.values_list("id", flat=True)) == set(new)
    assert sealed_ids() == new
    pruning = AccessEvent.objects.filter(object_type="access_log")
    assert list(pruning.values_list("action", "object_id", "purpose", "actor_id")) == [
        (Action.DELETE, "1-2", Purpose.RETENTION, "prune_access_log"),
        (Action.DELETE, "3-4", Purpose.RETENTION, "prune_access_log"),
    ]
    assert list(AccessLogCheckpoint.objects.values_list("position", flat=True)) == [2, 4, 6]
    assert verify_access_log().intact
    with exported.open() as lines:
        assert verify_access_log(exported=lines).intact


def test_sealing_goes_on_after_pruning(tmp_path: Path) -> None:
    _, new, exported = _old_and_new_log(tmp_path)
    with exported.open() as lines:
        prune_access_log(exported=lines)
    later = record("after-pruning").pk

    seal()

    pruning = list(
        AccessEvent.objects.filter(object_type="access_log")
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert sealed_ids() == [*new, *pruning, later]
    assert AccessLogSeal.objects.get(event_id=later).position == 9
    assert verify_access_log().intact


def test_a_dry_run_removes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _old_and_new_log(tmp_path)

    call_command("prune_access_log", checkpoints=tmp_path / "checkpoints.jsonl", dry_run=True)

    assert "Would remove 4 access events and 4 seals, through position 4" in capsys.readouterr().out
    assert AccessEvent.objects.count() == 6


def test_nothing_goes_without_an_old_enough_exported_checkpoint(tmp_path: Path) -> None:
    for number in range(3):
        record(f"case-{number}")
    seal()
    exported = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=exported)

    with exported.open() as lines:
        result = prune_access_log(exported=lines)

    assert (result.events, result.seals) == (0, 0)
    assert AccessEvent.objects.count() == 3


def test_checkpoints_not_exported_do_not_count(tmp_path: Path) -> None:
    _old_and_new_log(tmp_path)
    only_new = tmp_path / "new.jsonl"
    call_command("export_checkpoints", output=only_new, after=4)

    with only_new.open() as lines:
        result = prune_access_log(exported=lines)

    assert result.seals == 0
    assert AccessEvent.objects.count() == 6


def test_a_broken_log_is_not_pruned(tmp_path: Path) -> None:
    old, _, exported = _old_and_new_log(tmp_path)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET actor_id = '1' WHERE id = %s", [old[0]])

    with exported.open() as lines, pytest.raises(PruningRefused, match="altered event"):
        prune_access_log(exported=lines)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("prune_access_log", checkpoints=exported)
    assert AccessEvent.objects.count() == 6


def test_events_deleted_before_their_retention_ends_are_reported() -> None:
    for number in range(4):
        record(f"case-{number}")
    seal(batch_size=2)
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM audit_accessevent WHERE id IN "
            "(SELECT event_id FROM audit_accesslogseal WHERE position <= 2)"
        )
        cursor.execute("DELETE FROM audit_accesslogseal WHERE position <= 2")

    found = verify_access_log().breaks[0]

    assert (found.kind, found.position) == (BreakKind.PRUNED_EARLY, 2)


def test_the_oldest_events_deleted_without_an_anchor_are_reported() -> None:
    for number in range(4):
        record(f"case-{number}")
    seal(batch_size=4)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accesslogseal WHERE position = 1")

    found = verify_access_log().breaks[0]

    assert found.kind == BreakKind.SEAL_MISSING


def test_the_retention_period_is_a_setting(settings) -> None:
    now = timezone.now()
    settings.MEDIATION_ACCESS_LOG_RETENTION_YEARS = 2
    assert retention_cutoff(now).year == now.year - 2
    settings.MEDIATION_ACCESS_LOG_RETENTION_YEARS = 6
    assert retention_cutoff(now).year == now.year - 6


def test_old_break_glass_records_go_with_the_last_events_that_name_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mediation.accounts.models import User
    from mediation.audit.models import BreakGlassAccess
    from mediation.privacy.crypto import data_key_new
    from mediation.privacy.models import DataKey

    long_ago = timezone.now() - timedelta(days=7 * 366)
    user = User.objects.create_user(username="coordinator-bg", password="x" * 16)

    def grant(when: object) -> BreakGlassAccess:
        key, _cipher = data_key_new()
        key.save()
        return BreakGlassAccess.objects.create(
            user=user,
            case_id=uuid.uuid4(),
            community_id=3,
            data_key=key,
            granted_at=when,
            expires_at=when,
        )

    gone, still_named, recent = grant(long_ago), grant(long_ago), grant(timezone.now())
    # ``gone`` is named only by events pruned below; ``still_named`` by an event kept.
    access_event_record(
        actor=Actor.staff(7),
        action=Action.VIEW,
        object_type="case",
        object_id="old-under-break-glass",
        purpose=Purpose.BREAK_GLASS,
        break_glass_id=gone.pk,
    )
    _old_and_new_log(tmp_path)
    record_under = access_event_record(
        actor=Actor.staff(7),
        action=Action.VIEW,
        object_type="case",
        object_id="new-under-break-glass",
        purpose=Purpose.BREAK_GLASS,
        break_glass_id=still_named.pk,
    )
    assert record_under.pk
    capsys.readouterr()

    call_command("prune_access_log", checkpoints=tmp_path / "checkpoints.jsonl", dry_run=True)
    said = capsys.readouterr().out
    assert "Would remove 5 access events and 5 seals" in said
    # Counted as if the old events were gone: ``gone`` is named only by one of them.
    assert "Would remove 1 break-glass records" in said
    assert BreakGlassAccess.objects.count() == 3

    call_command("prune_access_log", checkpoints=tmp_path / "checkpoints.jsonl")
    assert "Removed 1 break-glass records" in capsys.readouterr().out

    left = set(BreakGlassAccess.objects.values_list("pk", flat=True))
    assert left == {still_named.pk, recent.pk}
    assert not DataKey.objects.filter(pk=gone.data_key_id).exists()
    assert DataKey.objects.filter(pk=still_named.data_key_id).exists()
    removal = AccessEvent.objects.get(object_type="break_glass", action=Action.DELETE)
    assert (removal.object_id, removal.purpose) == (str(gone.pk), Purpose.RETENTION)
