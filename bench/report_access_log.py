"""The access log's part of `make bench` (issue 5, item 9): phases, checks, report section.

Two run-once phases, each on a throwaway PostgreSQL database of its own:
``access_log`` (``bench.access_log``: sealing rate, verifying 1,000,000 events
and its peak memory) and ``log_review`` (``bench.log_review``: the review's
filters over 10,000,000 events). One per-size phase, ``logging``
(``bench.logging_cost``): case-page throughput with the access log on and off.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from bench.config import OUT_DIR, ROOT
from bench.report_common import check, label, table

Results = dict[str, Any]

# Timed in bench.log_review but outside "typical filters": reported, not checked.
NOT_TYPICAL = ("worst case", "widest window", "export")


def _module(*args: str, timeout: float) -> None:
    subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def measure_access_log(plan: Any, progress: Callable[[str], None]) -> Results:
    """Seal and verify ``plan.access_log_events`` events (bench.access_log)."""
    out = OUT_DIR / "access_log.json"
    progress(
        f"Access log: sealing and verifying {plan.access_log_events:,} events (bench.access_log)"
    )
    _module(
        "bench.access_log", "--events", str(plan.access_log_events), "--out", str(out), timeout=1800
    )
    figures: Results = json.loads(out.read_text())
    progress(
        f"Access log: sealing {figures['sealing_events_per_second']:,} events/s, verifying "
        f"{figures['events']:,} in {figures['verify_seconds']} s, peak RSS "
        f"{figures['verify_peak_rss_mib']} MiB"
    )
    return figures


def measure_log_review(plan: Any, progress: Callable[[str], None]) -> Results:
    """Time the review's filters over ``plan.log_review_events`` events (bench.log_review)."""
    out = OUT_DIR / "log_review.json"
    progress(f"Access log review: {plan.log_review_events:,} events (bench.log_review)")
    _module(
        "bench.log_review", "--events", str(plan.log_review_events), "--out", str(out), timeout=3600
    )
    figures: Results = json.loads(out.read_text())
    slowest = max(
        (value["p95_ms"], name)
        for name, value in figures["timings"].items()
        if not any(word in name for word in NOT_TYPICAL)
    )
    progress(f"Access log review: slowest typical filter p95 {slowest[0]:.1f} ms ({slowest[1]})")
    return figures


def checks(results: Results, targets: Results) -> list[dict[str, Any]]:
    """One check per access-log target that this run measured."""
    found: list[dict[str, Any]] = []
    for entry in results["sizes"]:
        if "logging" not in entry:
            continue
        logging = entry["logging"]
        found.append(
            check(
                f"{label(entry['size'])}: case pages/s with the access log on, share of off "
                f"({logging['clients']} clients, {len(logging['rounds'])} alternating rounds)",
                f"{logging['ratio']:.1%} median of the rounds (totals "
                f"{logging['on_requests_per_second']:.0f} / "
                f"{logging['off_requests_per_second']:.0f} req/s = "
                f"{logging['overall_ratio']:.1%}; {logging['errors']} errors)",
                f">= {targets['logging_on_off_ratio']:.0%}",
                logging["ratio"] >= targets["logging_on_off_ratio"] and logging["errors"] == 0,
                "target",
            )
        )
    if "access_log" in results:
        figures = results["access_log"]
        found.append(
            check(
                "Access log: sealing rate",
                f"{figures['sealing_events_per_second']:,} events/s",
                f">= {targets['sealing_events_per_second']:,.0f} events/s",
                figures["sealing_events_per_second"] >= targets["sealing_events_per_second"],
                "target",
            )
        )
        found.append(
            check(
                f"Access log: verifying {figures['events']:,} events (flat memory: peak RSS at "
                "a tenth of them, then at all)",
                f"{figures['verify_seconds']} s, {figures['verify_peak_rss_mib_at_a_tenth']} -> "
                f"{figures['verify_peak_rss_mib']} MiB, intact: {figures['intact']}",
                f"< {targets['verify_seconds']:g} s",
                figures["verify_seconds"] < targets["verify_seconds"]
                and figures["events"] >= 1_000_000
                and figures["intact"]
                and figures["verify_peak_rss_mib"]
                <= figures["verify_peak_rss_mib_at_a_tenth"] * 1.2,
                "target",
            )
        )
    if "log_review" in results:
        figures = results["log_review"]
        typical = {
            name: value
            for name, value in figures["timings"].items()
            if not any(word in name for word in NOT_TYPICAL)
        }
        worst = max(typical.items(), key=lambda item: item[1]["p95_ms"])
        found.append(
            check(
                f"Access log review: every typical filter over {figures['data']['events']:,} "
                "events (p95, the slowest)",
                f"{worst[1]['p95_ms']:.1f} ms ({worst[0]})",
                f"< {targets['review_filter_ms']:.0f} ms",
                worst[1]["p95_ms"] < targets["review_filter_ms"],
                "target",
            )
        )
    return found


def section(results: Results) -> list[str]:
    """The report's section on the access log, for what this run measured."""
    parts: list[str] = []
    logging_rows = [
        [
            label(entry["size"]),
            f"{entry['logging']['on_requests_per_second']:.0f}",
            f"{entry['logging']['off_requests_per_second']:.0f}",
            f"{entry['logging']['overall_ratio']:.1%}",
            f"{entry['logging']['ratio']:.1%}",
            f"{entry['logging']['p50_ms']['on']:.1f} / {entry['logging']['p50_ms']['off']:.1f}",
            ", ".join(f"{r['on']:.0f}/{r['off']:.0f}" for r in entry["logging"]["rounds"]),
        ]
        for entry in results["sizes"]
        if "logging" in entry
    ]
    if logging_rows:
        parts += [
            "## What the access log costs a case page\n",
            "`bench/logging_cost.py`: clients read case pages concurrently, signed in as the "
            "coordinator, from two fresh servers in alternating rounds: one logging as "
            "deployed, one started with `MEDIATION_BENCH_ACCESS_LOG_OFF` (bench mode only; "
            "production refuses bench mode). Alternating spreads this machine's drift over "
            "both sides; the check is the median over the rounds of on / off within a round.\n",
            table(
                [
                    "Cases",
                    "On (req/s)",
                    "Off (req/s)",
                    "On / off, totals",
                    "On / off, median of rounds",
                    "p50 on / off (ms)",
                    "Rounds, on/off (req/s)",
                ],
                logging_rows,
            ),
        ]
    if "access_log" in results:
        figures = results["access_log"]
        rows = [
            [
                f"{step['events_in_log']:,}",
                f"{step['sealing']['sealed']:,}",
                f"{step['sealing']['events_per_second']:,}",
                f"{step['verifying']['seconds']:.2f}",
                f"{step['verifying']['peak_rss_mib']}",
                str(step["verifying"]["intact"]),
            ]
            for step in figures["steps"]
        ]
        parts += [
            "## Sealing and verifying the access log\n",
            "`bench/access_log.py` on a database of its own: events inserted in transactions "
            "of 50, sealed into the hash chain with signed checkpoints (`seal_access_log`), "
            "then the whole log verified (`verify_access_log`), each in a process of its own "
            "so that its peak RSS is its own (Django alone: "
            f"{figures['django_setup_peak_rss_mib']} MiB).\n",
            table(
                [
                    "Events in the log",
                    "Sealed",
                    "Events/s",
                    "Verify (s)",
                    "Verify peak RSS (MiB)",
                    "Intact",
                ],
                rows,
            ),
        ]
    if "log_review" in results:
        figures = results["log_review"]
        rows = [
            [
                name,
                f"{value['p50_ms']:.1f}",
                f"{value['p95_ms']:.1f}",
                ", ".join(value.get("indexes_used", [])) or "—",
                "reported" if any(word in name for word in NOT_TYPICAL) else "checked",
            ]
            for name, value in figures["timings"].items()
        ]
        parts += [
            f"## The access log review over {figures['data']['events']:,} events\n",
            "`bench/log_review.py` on a database of its own: three years of a programme's log "
            f"({figures['data']['communities']} communities), the reviewer a privacy officer of "
            "one of them; the selectors and pages as the review UI calls them.\n",
            table(["Filter", "p50 (ms)", "p95 (ms)", "Indexes", "Target"], rows),
        ]
    return parts
