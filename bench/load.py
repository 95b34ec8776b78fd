"""The load client: concurrent residents on the public form, one member of staff clicking.

Form load runs one process per concurrent client (multiprocessing, fork), each
with its own keep-alive connection. Every loop stops at a deadline and at a
maximum count, whichever comes first. Only requests started inside the measured
window count; the warm-up before it is discarded.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.client import COMMUNITY_OPTION, Client, csrf_token, login
from bench.stats import summarise

FORM_PATH = "/request/"
CONFIRMATION_PATH = "/request/confirmation/"
CATEGORIES = ["neighbour", "family", "landlord_tenant", "consumer", "workplace", "other"]
STORIES = [
    "The people upstairs move furniture late every night and we cannot sleep.",
    "Our neighbour's tree drops leaves into our gutter and we cannot agree who trims it.",
    "My landlord kept the deposit for a carpet that was already worn when I moved in.",
    "楼上邻居每天晚上装修到很晚，我们多次沟通无果，希望调解。",
    "A shared parking space behind the flats has caused an argument for months.",
]


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
    journey: bool  # False: GET /request/ only; True: GET then POST, a new resident each time


def _resident_form(page_body: str, token: str, rng: random.Random, serial: str) -> dict[str, str]:
    communities = COMMUNITY_OPTION.findall(page_body)
    return {
        "csrfmiddlewaretoken": token,
        "community": rng.choice(communities) if communities else "",
        "category": rng.choice(CATEGORIES),
        "description": f"{rng.choice(STORIES)} (bench {serial})",
        "contact_channel": "email",
        "contact_detail": f"resident-{serial}@example.org",
        "consent": "on",
    }


def _form_worker(phase: FormPhase, index: int, start_at: float, queue: Any) -> None:
    """Run one client until the phase ends; put its timings on ``queue``."""
    rng = random.Random(index)
    client = Client(phase.host, phase.port)
    measure_from = start_at + phase.warmup_seconds
    stop_at = measure_from + phase.seconds
    samples: list[tuple[str, float, bool]] = []  # (kind, seconds, ok)
    statuses: Counter[str] = Counter()
    exceptions: Counter[str] = Counter()
    last_end = measure_from
    time.sleep(max(0.0, start_at - time.monotonic()))
    sent = posts_ok_all = 0  # posts_ok_all: warm-up included, to check the access log
    while sent < phase.max_requests_per_client and time.monotonic() < stop_at:
        measuring = time.monotonic() >= measure_from
        try:
            if phase.journey:
                serial = f"{index}-{sent}-{uuid.uuid4().hex[:12]}"
                client.reset_identity({"X-Bench-Client": f"resident-{serial}"})
                page = client.get(FORM_PATH)
                token = csrf_token(page)
                get_ok = page.status == 200 and bool(token) and "csrftoken" in client.cookies
                sent += 1
                if measuring:
                    samples.append(("get", page.seconds, get_ok))
                    statuses[f"GET {page.status}"] += 1
                if get_ok:
                    form = _resident_form(page.body, token, rng, serial)
                    answer = client.post_form(FORM_PATH, form)
                    post_ok = answer.status == 302 and answer.location.endswith(CONFIRMATION_PATH)
                    sent += 1
                    posts_ok_all += post_ok
                    if measuring:
                        samples.append(("post", answer.seconds, post_ok))
                        statuses[f"POST {answer.status}"] += 1
            else:
                page = client.get(FORM_PATH)
                sent += 1
                if measuring:
                    ok = page.status == 200 and 'name="csrfmiddlewaretoken"' in page.body
                    samples.append(("get", page.seconds, ok))
                    statuses[f"GET {page.status}"] += 1
        except OSError as exc:  # refused, reset, timed out: an error, then a new connection
            sent += 1
            client.close()
            if measuring:
                samples.append(("error", 0.0, False))
                exceptions[type(exc).__name__] += 1
        if measuring:
            last_end = time.monotonic()
    client.close()
    queue.put(
        {
            "index": index,
            "samples": samples,
            "statuses": dict(statuses),
            "exceptions": dict(exceptions),
            "reconnects": client.reconnects,
            "posts_ok_all": posts_ok_all,
            "measured_until": last_end,
            "measure_from": measure_from,
        }
    )


def run_form_phase(phase: FormPhase) -> dict[str, Any]:
    """Run ``phase`` with one process per client; return per-kind summaries."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.5
    workers = [
        ctx.Process(target=_form_worker, args=(phase, i, start_at, queue), daemon=True)
        for i in range(phase.clients)
    ]
    deadline = start_at + phase.warmup_seconds + phase.seconds + 60
    reports = []
    try:
        for worker in workers:
            worker.start()
        for _ in workers:
            reports.append(queue.get(timeout=max(1.0, deadline - time.monotonic())))
    finally:
        for worker in workers:
            if worker.pid is not None:
                worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)

    measure_from = min(float(r["measure_from"]) for r in reports)
    wall = max(float(r["measured_until"]) for r in reports) - measure_from
    by_kind: dict[str, list[float]] = {"get": [], "post": []}
    errors: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    exceptions: Counter[str] = Counter()
    for report in reports:
        statuses.update(report["statuses"])
        exceptions.update(report["exceptions"])
        for kind, seconds, ok in report["samples"]:
            if kind in by_kind:
                by_kind[kind].append(seconds)
            if not ok:
                errors[kind] += 1
    result: dict[str, Any] = {
        "name": phase.name,
        "clients": phase.clients,
        "journey": phase.journey,
        "wall_seconds": wall,
        "statuses": dict(statuses),
        "exceptions": dict(exceptions),
        "reconnects": sum(int(r["reconnects"]) for r in reports),
        "posts_ok_all": sum(int(r["posts_ok_all"]) for r in reports),
    }
    total = 0
    for kind, values in by_kind.items():
        if values or kind == "get":
            result[kind] = {**summarise(values, wall), "errors": errors[kind]}
            total += len(values)
    result["total"] = {
        "count": total + errors["error"],
        "requests_per_second": total / wall if wall else 0.0,
        "errors": sum(errors.values()),
    }
    return result


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
) -> dict[str, Any]:
    """Sign in, then alternate the case list and a case page, one request at a time."""
    client = Client(host, port)
    login(client, username, password)
    timings: dict[str, list[float]] = {"list": [], "detail": [], "list_200": []}
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
    for _ in range(wide_requests):
        if time.monotonic() > deadline:
            break
        visit("list_200", "/cases/?per_page=200", 'class="data-table"', True)
    client.close()
    result: dict[str, Any] = {
        kind: {**summarise(values), "errors": errors[kind]} for kind, values in timings.items()
    }
    result["requests_made"] = dict(made)  # warm-up included, to check the access log
    result["references"] = len(references)
    result["reconnects"] = client.reconnects
    return result


def throttle_probe(*, host: str, port: int, limit: int) -> dict[str, Any]:
    """Send ``limit + 1`` valid requests as one client: the last should be throttled (429).

    Shows that the per-client throttle was on while the form was measured with a
    fresh identity per resident.
    """
    client = Client(host, port)
    client.reset_identity({"X-Bench-Client": f"throttle-probe-{uuid.uuid4().hex}"})
    rng = random.Random(0)
    statuses = []
    for attempt in range(limit + 1):
        try:
            page = client.get(FORM_PATH)
            form = _resident_form(page.body, csrf_token(page), rng, f"probe-{attempt}")
            statuses.append(client.post_form(FORM_PATH, form).status)
        except OSError:
            client.close()
            statuses.append(0)
    client.close()
    return {
        "limit": limit,
        "statuses": statuses,
        "throttled_after_limit": statuses[:limit] == [302] * limit and statuses[limit] == 429,
    }
