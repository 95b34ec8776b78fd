"""Concurrent writers on PostgreSQL: the sealer never skips an event (issue 5, item 3).

Ids come from a sequence when an INSERT runs, but rows become visible when
their transaction commits, so a sealer that sealed "everything up to the
highest visible id" would skip an event committed a moment later. These
tests hold transactions open on other connections to show it does not.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from mediation.audit.models import AccessEvent, AccessLogSeal
from mediation.audit.sealing import seal_access_log
from mediation.audit.verification import verify_access_log
from tests.audit.sealing_helpers import record, seal, sealed_ids, wait_until_sealable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time; ids there are in commit order",
    ),
]


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    """Run ``target`` on its own thread, hence its own database connection."""

    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _current_xact_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        value: int = cursor.fetchone()[0]
    return value


def test_an_open_transaction_holds_back_the_events_committed_after_it() -> None:
    inserted, release = threading.Event(), threading.Event()
    held: dict[str, int] = {}

    def open_writer() -> None:
        with transaction.atomic():
            held["id"] = record("held-open").pk
            inserted.set()
            release.wait(30)

    writer = _in_thread(open_writer)
    assert inserted.wait(30)
    later = record("committed-later").pk
    assert later > held["id"]

    while_open = seal_access_log()

    assert while_open.sealed == 0
    assert AccessLogSeal.objects.count() == 0
    release.set()
    writer.join(30)
    seal()
    assert sealed_ids() == [held["id"], later]
    assert verify_access_log().intact


def test_an_older_transaction_with_a_higher_id_does_not_make_the_sealer_skip_a_lower_one() -> None:
    """The trap of sealing by id: the younger transaction took the lower id.

    The older transaction gets its transaction id first, the younger one then
    inserts (lower event id) and stays open, the older one inserts (higher
    event id) and commits. The older event is safe to seal at once; the
    younger one, with the lower id, must still be sealed after it commits.
    """
    old_started, young_inserted, old_done, release_young = (threading.Event() for _ in range(4))
    ids: dict[str, int] = {}

    def older() -> None:
        with transaction.atomic():
            ids["old_xact"] = _current_xact_id()
            old_started.set()
            young_inserted.wait(30)
            ids["old"] = record("older-transaction").pk
        old_done.set()

    def younger() -> None:
        old_started.wait(30)
        with transaction.atomic():
            ids["young"] = record("younger-transaction").pk
            young_inserted.set()
            release_young.wait(30)

    threads = [_in_thread(older), _in_thread(younger)]
    assert old_done.wait(30)
    assert ids["young"] < ids["old"]
    wait_until_sealable(newest=ids["old_xact"])

    seal_access_log()

    assert sealed_ids() == [ids["old"]]
    release_young.set()
    for thread in threads:
        thread.join(30)
    seal()
    assert sealed_ids() == [ids["old"], ids["young"]]
    assert AccessLogSeal.objects.count() == AccessEvent.objects.count() == 2
    assert verify_access_log().intact


def test_many_concurrent_writers_and_a_running_sealer_lose_no_event() -> None:
    writers, per_writer = 6, 40
    stop = threading.Event()
    failures: list[BaseException] = []

    def write(seed: int) -> Callable[[], None]:
        def run() -> None:
            chance = random.Random(seed)
            try:
                for number in range(per_writer):
                    with transaction.atomic():
                        record(f"w{seed}-{number}")
                        if chance.random() < 0.5:
                            record(f"w{seed}-{number}-second")
                        time.sleep(chance.random() / 200)
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        return run

    def keep_sealing() -> None:
        while not stop.is_set():
            seal_access_log(batch_size=7)
            time.sleep(0.002)

    sealer = _in_thread(keep_sealing)
    threads = [_in_thread(write(seed)) for seed in range(writers)]
    for thread in threads:
        thread.join(120)
    stop.set()
    sealer.join(60)

    assert not failures
    seal()
    event_ids = set(AccessEvent.objects.values_list("id", flat=True))
    sealed = sealed_ids()
    assert len(sealed) == len(set(sealed)) == len(event_ids)
    assert set(sealed) == event_ids
    report = verify_access_log()
    assert report.intact, report.breaks


def test_two_sealers_at_once_build_one_chain() -> None:
    for number in range(300):
        record(f"case-{number}")
    wait_until_sealable()
    start = threading.Barrier(2)
    results = []

    def sealer() -> None:
        start.wait(30)
        results.append(seal_access_log(batch_size=20))

    threads = [_in_thread(sealer), _in_thread(sealer)]
    for thread in threads:
        thread.join(60)
    seal()

    assert len(results) == 2
    assert sum(result.sealed for result in results) <= 300
    assert len(sealed_ids()) == 300
    assert verify_access_log().intact
