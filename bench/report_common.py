"""Small helpers the report's modules share: checks, labels, numbers, tables, outside load.

``bench.report`` and its section modules (``bench.report_casework``,
``bench.report_form``, ``bench.report_status``, ``bench.report_setup``,
``bench.report_access_log``) build their checks and Markdown with these.
"""

from __future__ import annotations

from typing import Any

Results = dict[str, Any]


def check(name: str, measured: str, target: str, passed: bool, kind: str) -> dict[str, Any]:
    return {
        "name": name,
        "measured": measured,
        "target": target,
        "passed": bool(passed),
        "kind": kind,  # "target": from the issue; "sanity": the run itself was sound
    }


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def ms(value: float) -> str:
    return f"{value:.1f}"


def mib(kib: int, digits: int = 0) -> str:
    return f"{kib / 1024:.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def latency_row(label: str, name: str, part: Results) -> list[str]:
    return (
        [label, name, f"{part['count']:,}", f"{part['requests_per_second']:.0f}"]
        + [ms(part[key]) for key in ("p50_ms", "p95_ms", "p99_ms")]
        + [str(part["errors"])]
    )


def app_settings(results: Results) -> Results:
    """The settings the app ran with (read once per run; older results kept them per size)."""
    if "settings" in results:
        return dict(results["settings"])
    return dict(results["sizes"][0]["queries"]["settings"])


def outside_share(phases: list[Results], cpus: int) -> float:
    wall = sum(phase["outside_wall_seconds"] for phase in phases)
    cpu = sum(phase["outside_cpu_seconds"] for phase in phases)
    return cpu / (wall * cpus) if wall and cpus else 0.0


def outside_load(measured: list[Results], cpus: int, limit: float) -> str:
    """Say how much other processes and databases used while these phases were measured."""
    phases = [phase for phase in measured if "outside_cpu_seconds" in phase]
    if not phases:
        return ""
    share = outside_share(phases, cpus)
    commits = sum(phase.get("other_database_commits", 0) for phase in phases)
    text = (
        f"Meanwhile, processes outside the benchmark used {share:.1%} of the CPUs and other "
        f"databases on the server committed {commits:,} transactions"
    )
    return f"**{text}: these figures may be low.**" if share >= limit or commits else text + "."
