"""Verifying the access log finds every kind of tampering (issue 5, item 5).

Each test tampers with the tables the way someone with the tables' owner's
rights could (on PostgreSQL with the append-only triggers switched off for
the transaction) and checks the first break reported.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mediation.audit import checkpoints
from mediation.audit.chain import SEALED_FIELDS, leaf_hash, next_head
from mediation.audit.models import AccessEvent, AccessLogCheckpoint, AccessLogSeal
from mediation.audit.verification import Break, BreakKind, verify_access_log
from tests.audit.sealing_helpers import record, seal, sealed_log, tampering

pytestmark = pytest.mark.django_db(transaction=True)


def first_break() -> Break:
    report = verify_access_log()
    assert report.breaks, "the tampering went unnoticed"
    return report.breaks[0]


def _seal_row(position: int) -> tuple[int, bytes, bytes]:
    event_id, leaf, head = AccessLogSeal.objects.values_list("event_id", "leaf", "head").get(
        position=position
    )
    return event_id, bytes(leaf), bytes(head)


def _rechain_from(position: int, cursor: object) -> bytes:
    """Recompute leaves and heads from ``position`` on, as an attacker without the key can."""
    head = _seal_row(position - 1)[2] if position > 1 else None
    from mediation.audit.chain import GENESIS

    head = head or GENESIS
    for seal_position, event_id in (
        AccessLogSeal.objects.filter(position__gte=position)
        .order_by("position")
        .values_list("position", "event_id")
    ):
        values = AccessEvent.objects.filter(pk=event_id).values_list(*SEALED_FIELDS).get()
        leaf = leaf_hash(values)
        head = next_head(head, leaf)
        cursor.execute(  # type: ignore[attr-defined]
            "UPDATE audit_accesslogseal SET leaf = %s, head = %s WHERE position = %s",
            [leaf, head, seal_position],
        )
    return head


# ---- an intact log ----------------------------------------------------------------


def test_an_intact_log_verifies_and_says_what_it_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sealed_log(4, batch_size=3)
    record("not-yet-sealed")

    call_command("verify_access_log")

    out = capsys.readouterr().out
    assert "Access log intact: 5 events, 4 seals (positions 1 to 4), 2 signed checkpoints" in out
    assert "last checkpoint 20" in out
    assert "1 events waiting to be sealed" in out


def test_an_empty_log_verifies() -> None:
    report = verify_access_log()
    assert report.intact
    assert (report.events, report.seals, report.checkpoints) == (0, 0, 0)


def test_verification_reads_in_chunks_without_changing_the_result() -> None:
    sealed_log(7, batch_size=3)
    assert verify_access_log(chunk_size=2).intact


# ---- tampering with events --------------------------------------------------------


def test_an_altered_event_is_reported_at_its_position() -> None:
    ids = sealed_log(5)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET actor_id = '99' WHERE id = %s", [ids[2]])

    found = first_break()

    assert (found.kind, found.position, found.event_id) == (BreakKind.ALTERED, 3, ids[2])


def test_an_altered_time_is_reported() -> None:
    ids = sealed_log(3)
    event = AccessEvent.objects.get(pk=ids[1])
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_accessevent SET occurred_at = %s WHERE id = %s",
            [event.occurred_at - timedelta(hours=3), ids[1]],
        )

    assert (first_break().kind, first_break().position) == (BreakKind.ALTERED, 2)


def test_a_deleted_event_is_reported_at_its_position() -> None:
    ids = sealed_log(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [ids[1]])

    found = first_break()

    assert (found.kind, found.position, found.event_id) == (BreakKind.DELETED, 2, ids[1])


def test_an_event_inserted_into_the_sealed_part_is_reported() -> None:
    first = record("case-1")
    gap = record("removed-before-sealing").pk
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [gap])
    record("case-2")
    seal()
    # A forged row in the gap, sorting between the first two sealed events
    # (on PostgreSQL it claims the first event's transaction).
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO audit_accessevent (id, occurred_at, actor_type, actor_id, actor_role, "
            "action, outcome, object_type, object_id, community_id, purpose, channel, xact_id) "
            "VALUES (%s, %s, 'staff', '7', '', 'view', 'success', 'case', 'forged', 3, "
            "'casework', 'web', %s)",
            [gap, first.occurred_at, first.xact_id],
        )

    found = first_break()

    assert (found.kind, found.position, found.event_id) == (BreakKind.INSERTED, 2, gap)


def test_events_swapped_between_two_ids_are_reported_as_reordered() -> None:
    ids = sealed_log(4)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET id = -1 WHERE id = %s", [ids[1]])
        cursor.execute("UPDATE audit_accessevent SET id = %s WHERE id = %s", [ids[1], ids[2]])
        cursor.execute("UPDATE audit_accessevent SET id = %s WHERE id = -1", [ids[2]])

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.REORDERED, 2)


def test_seals_pointing_at_each_others_events_are_reported_as_reordered() -> None:
    ids = sealed_log(4)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accesslogseal SET event_id = -1 WHERE position = 2")
        cursor.execute("UPDATE audit_accesslogseal SET event_id = %s WHERE position = 3", [ids[1]])
        cursor.execute("UPDATE audit_accesslogseal SET event_id = %s WHERE position = 2", [ids[2]])

    found = first_break()

    assert (found.kind, found.position, found.event_id) == (BreakKind.REORDERED, 2, ids[1])
    assert f"now names event {ids[2]}" in found.detail


# ---- tampering with seals ---------------------------------------------------------


def test_a_missing_seal_is_reported() -> None:
    sealed_log(5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accesslogseal WHERE position = 3")

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.SEAL_MISSING, 3)


def test_an_altered_seal_is_reported() -> None:
    sealed_log(5)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accesslogseal SET head = %s WHERE position = 4", [bytes(32)])

    assert (first_break().kind, first_break().position) == (BreakKind.SEAL_ALTERED, 4)


def test_an_altered_event_rechained_without_the_key_fails_its_checkpoint() -> None:
    ids = sealed_log(5)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET object_id = 'other' WHERE id = %s", [ids[1]])
        _rechain_from(2, cursor)

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.CHECKPOINT_MISMATCH, 5)


def test_a_rechained_log_resigned_with_another_key_is_reported() -> None:
    ids = sealed_log(5)
    forger = Ed25519PrivateKey.generate()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET object_id = 'other' WHERE id = %s", [ids[1]])
        head = _rechain_from(2, cursor)
        checkpoint = AccessLogCheckpoint.objects.get(position=5)
        forged = checkpoints.sign(
            forger, position=5, event_count=5, head=head, created_at=checkpoint.created_at
        )
        cursor.execute(
            "UPDATE audit_accesslogcheckpoint SET head = %s, signature = %s, key_id = %s "
            "WHERE position = 5",
            [forged.head, forged.signature, forged.key_id],
        )

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.BAD_SIGNATURE, 5)
    assert "unknown key" in found.detail


def test_a_checkpoint_with_a_changed_signature_is_reported() -> None:
    sealed_log(3)
    signature = bytearray(AccessLogCheckpoint.objects.get().signature)
    signature[0] ^= 1
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accesslogcheckpoint SET signature = %s", [bytes(signature)])

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.BAD_SIGNATURE, 3)
    assert "does not verify" in found.detail


def test_a_truncated_log_is_reported_by_the_checkpoint_left_behind() -> None:
    ids = sealed_log(5, batch_size=5)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accesslogseal WHERE position >= 4")
        cursor.execute("DELETE FROM audit_accessevent WHERE id >= %s", [ids[3]])

    found = first_break()

    assert (found.kind, found.position) == (BreakKind.TRUNCATED, 5)


def test_seals_added_without_a_checkpoint_are_reported() -> None:
    sealed_log(2)
    extra = record("slipped-in")
    _, _, head = _seal_row(2)
    values = AccessEvent.objects.filter(pk=extra.pk).values_list(*SEALED_FIELDS).get()
    leaf = leaf_hash(values)
    AccessLogSeal.objects.create(
        position=3,
        event_id=extra.pk,
        leaf=leaf,
        head=next_head(head, leaf),
        sealed_at=extra.occurred_at,
    )

    assert (first_break().kind, first_break().position) == (BreakKind.UNSIGNED, 3)


# ---- the command ------------------------------------------------------------------


def test_the_command_exits_non_zero_and_names_the_break(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = sealed_log(3)
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET action = 'export' WHERE id = %s", [ids[0]])

    with pytest.raises(CommandError, match="does not verify") as raised:
        call_command("verify_access_log")

    assert raised.value.returncode == 1
    err = capsys.readouterr().err
    assert f"BROKEN at position 1, event {ids[0]}: altered event." in err


# ---- exported checkpoints ---------------------------------------------------------


def test_exported_checkpoints_are_json_lines_with_the_key_fingerprint(tmp_path: Path) -> None:
    sealed_log(5, batch_size=2)
    output = tmp_path / "checkpoints.jsonl"

    call_command("export_checkpoints", output=output)

    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["position"] for line in lines] == [2, 4, 5]
    public = settings_public_key()
    assert {line["public_key_fingerprint"] for line in lines} == {checkpoints.fingerprint(public)}
    assert set(lines[0]) == {
        "position",
        "head",
        "count",
        "time",
        "signature",
        "key_id",
        "public_key_fingerprint",
    }
    assert lines[-1]["head"] == bytes(AccessLogSeal.objects.get(position=5).head).hex()


def settings_public_key() -> bytes:
    from django.conf import settings

    key: bytes = settings.MEDIATION_CHECKPOINT_VERIFY_KEY[0]
    return key


def test_the_log_verifies_against_its_exported_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed_log(4, batch_size=2)
    output = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=output)
    record("after-the-export")
    seal()

    call_command("verify_access_log", checkpoints=output)

    assert "2 exported checkpoints in" in capsys.readouterr().out


def test_a_log_cut_short_with_its_checkpoints_is_caught_by_the_export(tmp_path: Path) -> None:
    ids = sealed_log(6, batch_size=3)
    output = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=output)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accesslogcheckpoint WHERE position > 3")
        cursor.execute("DELETE FROM audit_accesslogseal WHERE position > 3")
        cursor.execute("DELETE FROM audit_accessevent WHERE id >= %s", [ids[3]])
    assert verify_access_log().intact  # consistent in itself, but shorter

    with output.open() as lines:
        found = verify_access_log(exported=lines).breaks[0]

    assert (found.kind, found.position) == (BreakKind.TRUNCATED, 6)


def test_a_log_rewritten_and_resigned_is_caught_by_the_export(tmp_path: Path) -> None:
    ids = sealed_log(4, batch_size=4)
    output = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=output)
    # Someone holding the signing key rewrites history and signs it again.
    key = checkpoints.signing_key()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_accessevent SET actor_id = '1' WHERE id = %s", [ids[0]])
        head = _rechain_from(1, cursor)
        checkpoint = AccessLogCheckpoint.objects.get(position=4)
        forged = checkpoints.sign(
            key, position=4, event_count=4, head=head, created_at=checkpoint.created_at
        )
        cursor.execute(
            "UPDATE audit_accesslogcheckpoint SET head = %s, signature = %s WHERE position = 4",
            [forged.head, forged.signature],
        )
    assert verify_access_log().intact

    with output.open() as lines:
        found = verify_access_log(exported=lines).breaks[0]

    assert (found.kind, found.position) == (BreakKind.CHECKPOINT_MISMATCH, 4)


def test_a_changed_exported_file_fails_its_signature(tmp_path: Path) -> None:
    sealed_log(2)
    output = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=output)
    line = json.loads(output.read_text())
    line["count"] = 1
    output.write_text(json.dumps(line) + "\n")

    with pytest.raises(CommandError):
        call_command("verify_access_log", checkpoints=output)
    with output.open() as lines:
        assert verify_access_log(exported=lines).breaks[0].kind == BreakKind.BAD_SIGNATURE


def test_export_can_ship_only_the_new_checkpoints(tmp_path: Path) -> None:
    sealed_log(5, batch_size=2)
    output = tmp_path / "new.jsonl"

    call_command("export_checkpoints", output=output, after=2)

    assert [json.loads(line)["position"] for line in output.read_text().splitlines()] == [4, 5]


def test_a_checkpoint_deleted_from_the_database_is_caught_by_the_export(tmp_path: Path) -> None:
    sealed_log(4, batch_size=2)
    output = tmp_path / "checkpoints.jsonl"
    call_command("export_checkpoints", output=output)
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accesslogcheckpoint WHERE position = 2")

    with output.open() as lines:
        found = verify_access_log(exported=lines).breaks[0]

    assert (found.kind, found.position) == (BreakKind.CHECKPOINT_MISSING, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids are PostgreSQL's")
def test_an_event_without_a_transaction_id_is_reported() -> None:
    sealed_log(1)
    with tampering() as cursor:
        cursor.execute(
            "INSERT INTO audit_accessevent (occurred_at, actor_type, actor_id, actor_role, "
            "action, outcome, object_type, object_id, purpose, channel, xact_id) "
            "VALUES (now(), 'staff', '7', '', 'view', 'success', 'case', 'x', 'casework', "
            "'web', NULL)"
        )

    assert first_break().kind == BreakKind.INSERTED
