"""What the access log costs a case page: throughput with logging on and off (issue 5, item 9).

Three fresh gunicorn servers on the same database, one after the other: logging
on (as deployed), off (started with ``MEDIATION_BENCH_ACCESS_LOG_OFF``, which
needs bench mode, which production refuses), on again. Each is loaded by
``clients`` processes that read case pages, one request at a time each, for
``seconds`` after a warm-up. All clients use one coordinator session, signed in
once (django-otp accepts a code only once). Every run gets a server of its own,
started the same way, so that only the switch differs (the server the other
phases used has served thousands of requests by then); the figure for "on" is
the mean of the two runs around "off", so a drift of the machine during the
phase does not favour either side. Throughput counts case pages answered 200 with the reference on
them, per second of the measured window. Target: on at least 90% of off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.client import Client
from bench.load import run_clients
from bench.stats import summarise


@dataclass(frozen=True)
class CasePagePhase:
    """One run of concurrent case-page reads."""

    name: str
    host: str
    port: int
    clients: int
    warmup_seconds: float
    seconds: float
    cookies: tuple[tuple[str, str], ...]
    references: tuple[str, ...]


def _worker(phase: CasePagePhase, index: int, start_at: float, queue: Any, _shared: Any) -> None:
    client = Client(phase.host, phase.port)
    client.cookies = dict(phase.cookies)
    measured_from = start_at + phase.warmup_seconds
    stop_at = measured_from + phase.seconds
    timings: list[float] = []
    errors = 0
    number = index
    while time.monotonic() < start_at:
        time.sleep(0.005)
    while True:
        reference = phase.references[number % len(phase.references)]
        number += phase.clients
        page = client.get(f"/cases/{reference}/")
        if page.started >= stop_at:
            break
        if page.started < measured_from:
            continue
        if page.status == 200 and f"{reference[:5]}-{reference[5:]}" in page.body:
            timings.append(page.seconds)
        else:
            errors += 1
    client.close()
    queue.put({"timings": timings, "errors": errors})


def run_case_pages(phase: CasePagePhase) -> dict[str, Any]:
    """Load case pages from ``phase.clients`` processes; return throughput and latency."""
    reports, _start_at = run_clients(_worker, phase)
    timings = [value for report in reports for value in report["timings"]]
    summary = summarise(timings, wall_seconds=phase.seconds)
    summary["errors"] = sum(report["errors"] for report in reports)
    summary["clients"] = phase.clients
    return summary


def compare(on_before: dict[str, Any], off: dict[str, Any], on_after: dict[str, Any]) -> Any:
    """Return the on/off throughput ratio, "on" being the mean of the runs around "off"."""
    on = (on_before["requests_per_second"] + on_after["requests_per_second"]) / 2
    return {
        "on_requests_per_second": on,
        "off_requests_per_second": off["requests_per_second"],
        "ratio": on / off["requests_per_second"] if off["requests_per_second"] else 0.0,
        "runs": {"on_before": on_before, "off": off, "on_after": on_after},
    }


def measure_logging(
    *,
    plan: Any,
    size: int,
    server: Any,
    password: str,
    totp: Any,
    references: list[str],
    progress: Any,
) -> dict[str, Any]:
    """Case pages with logging on, off and on again, each on a fresh server."""
    from bench.client import login
    from bench.config import COORDINATOR, HOST, OUT_DIR
    from bench.server import Gunicorn

    client = Client(HOST, server.port)
    login(client, COORDINATOR, password, totp)
    client.close()
    problems: list[str] = []

    def run(name: str, extra_env: dict[str, str]) -> dict[str, Any]:
        fresh = Gunicorn(plan, OUT_DIR / f"gunicorn-{size}-logging-{name}.log", extra_env=extra_env)
        fresh.start()
        try:
            phase = CasePagePhase(
                name=name,
                host=HOST,
                port=fresh.port,
                clients=plan.logging_clients,
                warmup_seconds=plan.logging_warmup_seconds,
                seconds=plan.logging_seconds,
                cookies=tuple(client.cookies.items()),
                references=tuple(references),
            )
            outcome = run_case_pages(phase)
        finally:
            fresh.stop()
        problems.extend(fresh.log_problems())
        progress(
            f"{size:,} cases: case pages, logging {name.split('_')[0]}: "
            f"{outcome['requests_per_second']:.0f} req/s, p50 {outcome['p50_ms']:.1f} ms, "
            f"{outcome['errors']} errors"
        )
        return outcome

    progress(
        f"{size:,} cases: what logging costs the case page, {plan.logging_clients} clients, "
        f"on / off / on (a fresh server each), {plan.logging_warmup_seconds:.0f} s warm-up + "
        f"{plan.logging_seconds:.0f} s each"
    )
    on_before = run("on_before", {})
    off = run("off", {"MEDIATION_BENCH_ACCESS_LOG_OFF": "true"})
    on_after = run("on_after", {})
    result = compare(on_before, off, on_after)
    result["server_log_problems"] = problems
    progress(f"{size:,} cases: logging on / off: {result['ratio']:.1%}")
    return result
