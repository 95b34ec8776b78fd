"""The load client: concurrent residents on the public form, one member of staff clicking.

Form load runs one process per concurrent client (multiprocessing, fork), each
with its own keep-alive connection. A phase either only GETs /request/ or walks
whole journeys (``bench.journey``), a new resident each time. Every loop stops
at a deadline and at a maximum count, whichever comes first; a soak also stops
at a total number of completed journeys shared by its clients. Only requests
started inside the measured window count; the warm-up before it is discarded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue as queue_module
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.client import Client, TotpKey, csrf_token, login
from bench.journey import FIRST_PATH, KINDS, Sample, walk
from bench.stats import summarise

Row = tuple[str, str, float, float, bool, str]  # a Sample as a tuple, cheap to pickle


@dataclass(frozen=True)
class FormPhase:
    """One concurrent run against the public form."""

    name: str
    host: str
    port: int
    clients: int
    warmup_seconds: float
    seconds: float
    max_requests_per_client: int
    journey: bool  # False: GET /request/ only; True: whole journeys, a new resident each
    journeys_total: int = 0  # > 0: stop once the clients have completed this many journeys


@dataclass(frozen=True)
class _Shared:
    """Counters the clients of a soak share: journeys claimed and journeys completed."""

    claimed: Any
    completed: Any

    def claim(self, total: int) -> bool:
        with self.claimed.get_lock():
            if self.claimed.value >= total:
                return False
            self.claimed.value += 1
            return True


def _get_only(client: Client) -> list[Sample]:
    try:
        page = client.get(FIRST_PATH)
    except OSError as exc:  # refused, reset, timed out: an error, then a new connection
        client.close()
        return [Sample("error", "", time.monotonic(), 0.0, False, type(exc).__name__)]
    ok = page.status == 200 and bool(csrf_token(page))
    return [Sample("get", "community", page.started, page.seconds, ok, f"GET {page.status}")]


def _form_worker(
    phase: FormPhase, index: int, start_at: float, queue: Any, shared: _Shared | None
) -> None:
    """Run one client until the phase ends; put all its samples on ``queue``."""
    rng = random.Random(index)
    client = Client(phase.host, phase.port)
    stop_at = start_at + phase.warmup_seconds + phase.seconds
    rows: list[Row] = []
    time.sleep(max(0.0, start_at - time.monotonic()))
    while len(rows) < phase.max_requests_per_client and time.monotonic() < stop_at:
        if not phase.journey:
            rows += [_row(sample) for sample in _get_only(client)]
            continue
        if shared is not None and not shared.claim(phase.journeys_total):
            break
        serial = f"{index}-{len(rows)}-{uuid.uuid4().hex[:12]}"
        client.reset_identity({"X-Bench-Client": f"resident-{serial}"})
        journey = walk(client, rng, serial)
        rows += [_row(sample) for sample in journey.samples]
        if shared is not None and journey.completed:
            with shared.completed.get_lock():
                shared.completed.value += 1
    client.close()
    queue.put({"index": index, "rows": rows, "reconnects": client.reconnects})


def _row(sample: Sample) -> Row:
    return (sample.kind, sample.step, sample.started, sample.seconds, sample.ok, sample.status)


def run_form_phase(
    phase: FormPhase, monitor: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Run ``phase`` with one process per client; return per-kind summaries.

    ``monitor``, if given, is called about four times a second with the number of
    journeys completed so far (counted only when ``phase.journeys_total`` is set).
    """
    ctx = multiprocessing.get_context("fork")
    shared = _Shared(ctx.Value("i", 0), ctx.Value("i", 0)) if phase.journeys_total else None

    def watch() -> None:
        if monitor is not None and shared is not None:
            monitor(int(shared.completed.value))

    reports, start_at = run_clients(_form_worker, phase, shared, watch)
    measure_from = start_at + phase.warmup_seconds
    result = summarise_phase(phase, reports, measure_from, measure_from + phase.seconds)
    result["reconnects"] = sum(int(r["reconnects"]) for r in reports)
    return result


def run_clients(
    target: Callable[..., None],
    phase: Any,
    shared: Any = None,
    watch: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Run ``target(phase, index, start_at, queue, shared)`` in one process per client.

    ``phase`` needs ``name``, ``clients``, ``warmup_seconds`` and ``seconds``. Every
    client starts at ``start_at`` and puts one report on ``queue`` when it is done;
    ``watch``, if given, is called about four times a second meanwhile. Returns the
    reports and ``start_at``.
    """
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.5
    workers = [
        ctx.Process(target=target, args=(phase, i, start_at, queue, shared), daemon=True)
        for i in range(phase.clients)
    ]
    deadline = start_at + phase.warmup_seconds + phase.seconds + 60
    reports: list[dict[str, Any]] = []
    try:
        for worker in workers:
            worker.start()
        while len(reports) < len(workers):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{phase.name}: clients did not finish in time")
            with contextlib.suppress(queue_module.Empty):
                reports.append(queue.get(timeout=0.25))
            if watch is not None:
                watch()
    finally:
        for worker in workers:
            if worker.pid is not None:
                worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
    return reports, start_at


def summarise_phase(
    phase: Any,
    reports: list[dict[str, Any]],
    measure_from: float,
    stop_at: float,
    kind_order: tuple[str, ...] = (*KINDS, "get"),
) -> dict[str, Any]:
    """Summarise the requests started in [measure_from, stop_at) by kind and by step.

    ``phase`` needs ``name``, ``clients`` and ``journey``; ``kind_order`` names the
    kinds of request to summarise. Figures with ``_all`` in their name count the
    warm-up too, for the checks that compare with the database (cases and access
    events written).
    """
    rows: list[Row] = [row for report in reports for row in report["rows"]]
    measured = [row for row in rows if measure_from <= row[2] < stop_at]
    ends = [started + seconds for _kind, _step, started, seconds, _ok, _status in measured]
    wall = (max(ends) - measure_from) if ends else 0.0
    kinds = [kind for kind in kind_order if any(row[0] == kind for row in rows)]
    by_kind = {kind: [row for row in measured if row[0] == kind] for kind in kinds}
    errors = Counter(row[0] for row in measured if not row[4])
    result: dict[str, Any] = {
        "name": phase.name,
        "clients": phase.clients,
        "journey": phase.journey,
        "wall_seconds": wall,
        "statuses": dict(Counter(row[5] for row in measured if row[0] != "error")),
        "exceptions": dict(Counter(row[5] for row in measured if row[0] == "error")),
        "kinds": {
            kind: {**summarise([row[3] for row in chosen], wall), "errors": errors[kind]}
            for kind, chosen in by_kind.items()
        },
        "total": {
            "count": len(measured),
            "requests_per_second": len(measured) / wall if wall else 0.0,
            "errors": sum(errors.values()),
            "errors_all": sum(1 for row in rows if not row[4]),
        },
    }
    if phase.journey:
        result["steps"] = _by_step(measured)
        sends = [row for row in rows if row[0] == "send_post"]
        completed = sum(1 for row in by_kind.get("send_post", []) if row[4])
        result["journeys"] = {
            "completed": completed,
            "per_second": completed / wall if wall else 0.0,
            "sends_ok_all": sum(1 for row in sends if row[4]),
            "sends_throttled_all": sum(1 for row in sends if row[5] == "POST 429"),
        }
    return result


def _by_step(measured: list[Row]) -> dict[str, dict[str, float]]:
    """Latency per step page and per step answer, e.g. ``step_post safety``."""
    grouped: dict[str, list[float]] = {}
    for kind, step, _started, seconds, _ok, _status in measured:
        if kind in ("step_get", "step_post"):
            grouped.setdefault(f"{kind} {step}", []).append(seconds)
    return {name: summarise(values) for name, values in grouped.items()}


STAFF_KINDS = ("list", "detail", "triage", "list_200")


def run_staff_sequence(
    *,
    host: str,
    port: int,
    username: str,
    password: str,
    references: list[str],
    warmup: int,
    requests: int,
    wide_requests: int,
    max_seconds: float,
    totp: TotpKey | None = None,
) -> dict[str, Any]:
    """Sign in (both steps), then click through the case list, a case page and the triage
    queue in turn, one request at a time; then the 200-row list."""
    client = Client(host, port)
    sign_in_events = login(client, username, password, totp)
    timings: dict[str, list[float]] = {kind: [] for kind in STAFF_KINDS}
    errors: Counter[str] = Counter()
    made: Counter[str] = Counter()
    deadline = time.monotonic() + max_seconds

    def visit(kind: str, path: str, marker: str, record: bool) -> None:
        made[kind] += 1
        try:
            page = client.get(path)
        except OSError:
            client.close()
            errors[kind] += 1
            return
        if record:
            timings[kind].append(page.seconds)
        if page.status != 200 or marker not in page.body:
            errors[kind] += 1

    for i in range(warmup + requests):
        if time.monotonic() > deadline:
            break
        record = i >= warmup
        reference = references[i % len(references)]
        visit("list", "/cases/", 'class="data-table"', record)
        visit("detail", f"/cases/{reference}/", f"{reference[:5]}-{reference[5:]}", record)
        visit("triage", "/cases/triage/", 'class="data-table"', record)
    for _ in range(wide_requests):
        if time.monotonic() > deadline:
            break
        visit("list_200", "/cases/?per_page=200", 'class="data-table"', True)
    client.close()
    result: dict[str, Any] = {
        kind: {**summarise(values), "errors": errors[kind]} for kind, values in timings.items()
    }
    result["requests_made"] = dict(made)  # warm-up included, to check the access log
    result["sign_in_access_events"] = sign_in_events
    result["references"] = len(references)
    result["reconnects"] = client.reconnects
    return result


def throttle_probe(*, host: str, port: int, limit: int) -> dict[str, Any]:
    """Complete ``limit + 1`` journeys as one client: the last send should answer 429.

    Shows that the per-client throttle on /request/send/ was on while the form was
    measured with a fresh identity per resident. A successful send deletes the
    draft, so every attempt is a whole journey.
    """
    client = Client(host, port)
    client.reset_identity({"X-Bench-Client": f"throttle-probe-{uuid.uuid4().hex}"})
    rng = random.Random(0)
    statuses, steps_failed = [], 0
    for attempt in range(limit + 1):
        journey = walk(client, rng, f"probe-{attempt}")
        statuses.append(journey.send_status)
        steps_failed += sum(1 for s in journey.samples if not s.ok and s.kind != "send_post")
    client.close()
    return {
        "limit": limit,
        "statuses": statuses,
        "steps_failed": steps_failed,
        "throttled_after_limit": (
            steps_failed == 0 and statuses[:limit] == [200] * limit and statuses[limit] == 429
        ),
    }
