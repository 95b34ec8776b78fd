"""Sealing the access log into a hash chain with signed checkpoints (issue 5, item 3)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mediation.audit import checkpoints
from mediation.audit.chain import (
    GENESIS,
    SEALED_FIELDS,
    event_encoding,
    leaf_hash,
    next_head,
    postgres_encoding_sql,
)
from mediation.audit.models import AccessEvent, AccessLogCheckpoint, AccessLogSeal
from mediation.audit.sealing import SealingError, seal_access_log
from mediation.audit.verification import verify_access_log
from tests.audit.sealing_helpers import (
    record,
    seal,
    sealed_ids,
    sealed_log,
    tampering,
    wait_until_sealable,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="transaction ids exist on PostgreSQL only"
)

EXAMPLE = (
    42,
    datetime(2026, 11, 29, 15, 14, 0, 123, tzinfo=UTC),
    "staff",
    "7",
    "coordinator",
    "view",
    "success",
    "case",
    "3f1c",
    None,
    "casework",
    "web",
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    None,
    981,
    "",  # no client marker: encoded as version 1
)


KNOWN_LEAF = "f902dbe85078b959c8140c8620c547be0da9ac366b190e98f5cf1d41f235046b"


def test_every_field_of_an_event_is_sealed() -> None:
    fields = {field.attname for field in AccessEvent._meta.concrete_fields}
    assert set(SEALED_FIELDS) == fields
    assert SEALED_FIELDS[0] == "id"


def test_the_encoding_is_the_documented_form() -> None:
    texts = [
        "42",
        "2026-11-29T15:14:00.000123+00:00",
        "staff",
        "7",
        "coordinator",
        "view",
        "success",
        "case",
        "3f1c",
        None,
        "casework",
        "web",
        "12345678-1234-5678-1234-567812345678",
        None,
        "981",
    ]
    tag = b"mediation.access_event.v1"
    expected = (
        len(tag).to_bytes(4, "big")
        + tag
        + b"".join(
            (-1 if text is None else len(text.encode())).to_bytes(4, "big", signed=True)
            for text in texts
        )
        + "".join(text for text in texts if text is not None).encode()
    )
    assert event_encoding(EXAMPLE) == expected
    assert leaf_hash(EXAMPLE) == hashlib.sha256(b"\x00" + expected).digest()
    # A known answer: any change to the encoding must be deliberate (a new tag).
    assert leaf_hash(EXAMPLE).hex() == KNOWN_LEAF


def test_an_event_with_a_client_marker_is_encoded_as_version_2() -> None:
    with_client = (*EXAMPLE[:-1], "3f9a0c1e")
    tag = b"mediation.access_event.v2"
    encoding = event_encoding(with_client)
    assert encoding.startswith(len(tag).to_bytes(4, "big") + tag)
    lengths = encoding[4 + len(tag) : 4 + len(tag) + 4 * 16]
    assert int.from_bytes(lengths[-4:], "big", signed=True) == len("3f9a0c1e")
    assert encoding.endswith(b"9813f9a0c1e")
    # Setting or emptying the marker changes the leaf: the tag tells the forms apart.
    assert leaf_hash(with_client) != leaf_hash(EXAMPLE)
    # Version 1 leaves (sealed before the marker existed) are unchanged.
    assert leaf_hash(EXAMPLE).hex() == KNOWN_LEAF


def test_lengths_count_utf8_bytes() -> None:
    values = list(EXAMPLE)
    values[8] = "案件-é"
    encoding = event_encoding(values)
    length_of_object_id = encoding[4 + 25 + 4 * 8 : 4 + 25 + 4 * 9]
    assert int.from_bytes(length_of_object_id, "big") == len("案件-é".encode())


def test_the_encoding_is_unambiguous_across_field_boundaries_and_nulls() -> None:
    base = list(EXAMPLE)
    shifted = list(EXAMPLE)
    base[3], base[4] = "7c", "oordinator"
    shifted[3], shifted[4] = "7", "coordinator"
    assert event_encoding(base) != event_encoding(shifted)
    empty, null = list(EXAMPLE), list(EXAMPLE)
    empty[13], null[13] = "", None
    assert event_encoding(empty) != event_encoding(null)


def test_the_same_time_in_another_zone_encodes_the_same() -> None:
    from zoneinfo import ZoneInfo

    elsewhere = list(EXAMPLE)
    elsewhere[1] = EXAMPLE[1].astimezone(ZoneInfo("Asia/Shanghai"))  # type: ignore[attr-defined]
    assert event_encoding(elsewhere) == event_encoding(EXAMPLE)


def test_leaves_and_links_are_domain_separated() -> None:
    leaf = leaf_hash(EXAMPLE)
    assert next_head(GENESIS, leaf) == hashlib.sha256(b"\x01" + GENESIS + leaf).digest()
    assert next_head(GENESIS, leaf) != hashlib.sha256(GENESIS + leaf).digest()


@postgres_only
@pytest.mark.django_db
def test_postgresql_encodes_events_exactly_as_python_does() -> None:
    awkward = [
        {"actor_id": "案件-é", "object_id": "", "occurred_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"actor_id": "a\nb\\c'\"", "object_id": "\t", "community_id": 0},
        {"object_id": "x" * 64, "request_id": uuid.uuid4(), "break_glass_id": uuid.uuid4()},
        {"occurred_at": datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC), "id": 2**40},
        {"client": "3f9a0c1e"},
        {"client": "3f9a0c1e", "actor_id": "案件", "break_glass_id": uuid.uuid4()},
    ]
    for number, overrides in enumerate(awkward):
        fields = {
            "occurred_at": datetime(2026, 3, 4, 5, 6, 7, number, tzinfo=UTC),
            "actor_type": "staff",
            "actor_id": "7",
            "actor_role": "",
            "action": "view",
            "outcome": "success",
            "object_type": "case",
            "object_id": "1",
            "purpose": "casework",
            "channel": "web",
            **overrides,
        }
        AccessEvent.objects.create(**fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.id, {postgres_encoding_sql('e')} FROM audit_accessevent e")  # noqa: S608
        from_postgres = {event_id: bytes(code) for event_id, code in cursor.fetchall()}

    for values in AccessEvent.objects.values_list(*SEALED_FIELDS):
        assert from_postgres[values[0]] == event_encoding(values)


@pytest.mark.django_db
def test_recording_an_event_is_still_one_insert() -> None:
    with CaptureQueriesContext(connection) as queries:
        event = record()
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("INSERT INTO")
    if connection.vendor == "postgresql":
        assert isinstance(event.xact_id, int)
    else:
        assert event.xact_id is None


@postgres_only
@pytest.mark.django_db
def test_an_event_records_the_transaction_that_wrote_it() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        first, second = record(), record()
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        current = cursor.fetchone()[0]
    stored = set(AccessEvent.objects.values_list("xact_id", flat=True))
    assert first.xact_id == second.xact_id == current
    assert stored == {current}


@pytest.mark.django_db(transaction=True)
def test_committed_events_are_sealed_in_order_into_a_chain() -> None:
    ids = [record(f"case-{n}").pk for n in range(5)]

    result = seal()

    assert (result.sealed, result.position, result.checkpoints) == (5, 5, 1)
    seals = list(
        AccessLogSeal.objects.order_by("position").values_list(
            "position", "event_id", "leaf", "head"
        )
    )
    assert [(position, event_id) for position, event_id, _, _ in seals] == list(
        zip(range(1, 6), ids, strict=True)
    )
    head = GENESIS
    for _, event_id, leaf, stored_head in seals:
        values = AccessEvent.objects.filter(pk=event_id).values_list(*SEALED_FIELDS).get()
        assert bytes(leaf) == leaf_hash(values)
        head = next_head(head, bytes(leaf))
        assert bytes(stored_head) == head


@pytest.mark.django_db(transaction=True)
def test_a_checkpoint_signs_the_head_count_and_time() -> None:
    sealed_log(3)

    checkpoint = AccessLogCheckpoint.objects.get()
    last = AccessLogSeal.objects.get(position=3)
    assert (checkpoint.position, checkpoint.event_count) == (3, 3)
    assert bytes(checkpoint.head) == bytes(last.head)
    signed = checkpoints.Checkpoint(
        checkpoint.position,
        checkpoint.event_count,
        bytes(checkpoint.head),
        checkpoint.created_at,
        bytes(checkpoint.signature),
        checkpoint.key_id,
    )
    assert checkpoints.signature_is_valid(signed, checkpoints.verify_keys())
    forged = checkpoints.Checkpoint(4, 4, signed.head, signed.created_at, signed.signature, "x")
    assert not checkpoints.signature_is_valid(forged, checkpoints.verify_keys())


@pytest.mark.django_db(transaction=True)
def test_each_batch_ends_with_a_signed_checkpoint() -> None:
    sealed_log(5, batch_size=2)

    assert list(
        AccessLogCheckpoint.objects.order_by("position").values_list("position", flat=True)
    ) == [2, 4, 5]
    assert AccessLogSeal.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_sealing_again_seals_only_new_events_and_continues_the_chain() -> None:
    ids = sealed_log(2)
    nothing = seal()
    later = record("case-later").pk

    result = seal()

    assert (nothing.sealed, nothing.position, nothing.checkpoints) == (0, 2, 0)
    assert (result.sealed, result.position) == (1, 3)
    assert sealed_ids() == [*ids, later]
    previous = AccessLogSeal.objects.get(position=2)
    third = AccessLogSeal.objects.get(position=3)
    assert bytes(third.head) == next_head(bytes(previous.head), bytes(third.leaf))


@pytest.mark.django_db(transaction=True)
def test_the_sealer_only_reads_events_and_inserts_seals_and_checkpoints() -> None:
    for n in range(3):
        record(f"case-{n}")
    before = list(AccessEvent.objects.order_by("id").values_list(*SEALED_FIELDS))

    with CaptureQueriesContext(connection) as queries:
        seal()

    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert "UPDATE" not in statements
    assert "DELETE" not in statements
    inserts = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert all("audit_accessevent" not in sql.split("(")[0] for sql in inserts)
    assert list(AccessEvent.objects.order_by("id").values_list(*SEALED_FIELDS)) == before


@pytest.mark.django_db(transaction=True)
def test_a_sealing_run_that_dies_mid_batch_leaves_a_log_that_verifies() -> None:
    """SECURITY.md scenario 7: each batch and its checkpoint commit together or not at all."""
    ids = [record(f"case-{number}").pk for number in range(5)]
    wait_until_sealable()
    real_sign = checkpoints.sign
    calls = []

    def sign_then_die(*args: object, **kwargs: object) -> checkpoints.Checkpoint:
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("database went away")
        return real_sign(*args, **kwargs)  # type: ignore[arg-type]

    with (
        mock.patch.object(checkpoints, "sign", sign_then_die),
        pytest.raises(ConnectionError),
    ):
        seal_access_log(batch_size=2)

    assert sealed_ids() == ids[:2]
    assert list(AccessLogCheckpoint.objects.values_list("position", flat=True)) == [2]
    assert verify_access_log().intact
    seal(batch_size=2)
    assert sealed_ids() == ids
    assert verify_access_log().intact


@pytest.mark.django_db(transaction=True)
def test_the_sealer_needs_the_signing_key(settings) -> None:
    record()
    settings.MEDIATION_CHECKPOINT_SIGNING_KEY = None

    with pytest.raises(CommandError, match="MEDIATION_CHECKPOINT_SIGNING_KEY is not set"):
        call_command("seal_access_log")
    assert AccessLogSeal.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_sealer_stops_when_the_last_sealed_event_has_gone() -> None:
    ids = sealed_log(2)
    record("case-next")
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [ids[-1]])

    with pytest.raises(SealingError, match=f"last sealed event \\(id {ids[-1]}"):
        seal_access_log()
    assert AccessLogSeal.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_command_says_what_it_sealed(capsys: pytest.CaptureFixture[str]) -> None:
    record()
    record()
    wait_until_sealable()

    call_command("seal_access_log")
    call_command("seal_access_log")

    out = capsys.readouterr().out
    assert "Sealed 2 events (up to position 2) and signed 1 checkpoints." in out
    assert "Nothing to seal; the log is sealed up to position 2." in out


@pytest.mark.django_db(transaction=True)
def test_seal_and_checkpoint_tables_are_separate_from_events() -> None:
    sealed_log(1)
    tables = connection.introspection.table_names()
    assert {"audit_accesslogseal", "audit_accesslogcheckpoint"} <= set(tables)
