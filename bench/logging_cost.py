"""What the access log costs a case page: throughput with logging on and off (issue 5, item 9).

Two fresh gunicorn servers on the same database, started the same way except
for one switch: one logs as deployed, the other was started with
``MEDIATION_BENCH_ACCESS_LOG_OFF`` (it needs bench mode, which production
refuses). ``clients`` processes read case pages from one server, then from the
other, in short alternating rounds (on, off, on, off, ...): this machine's speed
drifts by tens of percent over a minute, and alternating spreads the drift over
both sides instead of charging it to whichever ran in a slow moment. All
clients use one coordinator session, signed in once (django-otp accepts a code
only once). Throughput counts case pages answered 200 with the reference on
them, per second of the measured windows. The figure checked is the median
over the rounds of on / off within a round (the two ran back to back); the
ratio of the totals is reported beside it. Target: on at least 90% of off.
"""

from __future__ import annotations

import statistics
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


def compare(on_runs: list[dict[str, Any]], off_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the on/off throughput over all rounds, and each round's ratio."""
    on = sum(run["count"] for run in on_runs) / sum(run["wall_seconds"] for run in on_runs)
    off = sum(run["count"] for run in off_runs) / sum(run["wall_seconds"] for run in off_runs)
    rounds = [
        {
            "on": on_run["requests_per_second"],
            "off": off_run["requests_per_second"],
        }
        for on_run, off_run in zip(on_runs, off_runs, strict=True)
    ]
    paired = [row["on"] / row["off"] for row in rounds if row["off"]]
    return {
        "on_requests_per_second": on,
        "off_requests_per_second": off,
        "overall_ratio": on / off if off else 0.0,
        # Each round's on and off ran back to back; the median of their ratios
        # leaves out a round in which either side met a stall of the machine.
        "ratio": statistics.median(paired) if paired else 0.0,
        "rounds": rounds,
        "errors": sum(run["errors"] for run in on_runs + off_runs),
        "clients": on_runs[0]["clients"],
        "p50_ms": {
            "on": statistics.median(run["p50_ms"] for run in on_runs),
            "off": statistics.median(run["p50_ms"] for run in off_runs),
        },
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
    """Case pages from a fresh server with logging on and one with it off, in alternating rounds."""
    from bench.client import login
    from bench.config import COORDINATOR, HOST, OUT_DIR
    from bench.server import Gunicorn

    client = Client(HOST, server.port)
    login(client, COORDINATOR, password, totp)
    client.close()
    servers = {
        "on": Gunicorn(plan, OUT_DIR / f"gunicorn-{size}-logging-on.log"),
        "off": Gunicorn(
            plan,
            OUT_DIR / f"gunicorn-{size}-logging-off.log",
            extra_env={"MEDIATION_BENCH_ACCESS_LOG_OFF": "true"},
        ),
    }
    progress(
        f"{size:,} cases: what logging costs the case page, {plan.logging_clients} clients, "
        f"{plan.logging_rounds} rounds of on then off, {plan.logging_warmup_seconds:.0f} s "
        f"warm-up + {plan.logging_seconds:.0f} s each"
    )
    runs: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    try:
        for fresh in servers.values():
            fresh.start()
        for number in range(plan.logging_rounds):
            for name, fresh in servers.items():
                phase = CasePagePhase(
                    name=f"{name}_{number}",
                    host=HOST,
                    port=fresh.port,
                    clients=plan.logging_clients,
                    warmup_seconds=plan.logging_warmup_seconds,
                    seconds=plan.logging_seconds,
                    cookies=tuple(client.cookies.items()),
                    references=tuple(references),
                )
                runs[name].append(run_case_pages(phase))
    finally:
        for fresh in servers.values():
            fresh.stop()
    result = compare(runs["on"], runs["off"])
    result["server_log_problems"] = [
        problem for fresh in servers.values() for problem in fresh.log_problems()
    ]
    rounds = ", ".join(f"{row['on']:.0f}/{row['off']:.0f}" for row in result["rounds"])
    progress(
        f"{size:,} cases: case pages, logging on {result['on_requests_per_second']:.0f} req/s, "
        f"off {result['off_requests_per_second']:.0f} req/s; median of the rounds' on / off "
        f"{result['ratio']:.1%} (rounds on/off: {rounds})"
    )
    return result
