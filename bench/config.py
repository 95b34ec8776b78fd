"""Where things are, what the benchmark runs against, and the targets it checks.

A few knobs can be overridden from the environment for experiments
(``BENCH_WORKER_CLASS``, ``BENCH_THREADS``, ``BENCH_FORM_SECONDS``,
``BENCH_SOAK_JOURNEYS``, ...); `make bench` uses the defaults below, and the
report records the values actually used.

``BENCH_PHASES`` picks what runs at each size, comma-separated from ``PHASES``
(all by default). A run of only some phases, e.g. ``BENCH_PHASES=status
BENCH_SIZES=10000 make bench``, writes its report to ``bench/out/benchmarks.md``
and leaves ``docs/benchmarks.md`` alone: that one is for complete runs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
RESULTS_JSON = OUT_DIR / "results.json"
REPORT_MD = ROOT / "docs" / "benchmarks.md"
PARTIAL_REPORT_MD = OUT_DIR / "benchmarks.md"
PYTHON = sys.executable

DB_NAME = "mediation_bench"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_DB = 9
CACHE_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
HOST = "127.0.0.1"

# Staff the seeded cases belong to. The coordinator sees the first community only.
COMMUNITIES = [
    ("riverside", "Riverside Community Mediation Centre", "河畔社区调解中心"),
    ("hillview", "Hillview People's Mediation Committee", "山景人民调解委员会"),
]
COORDINATOR = "bench-coordinator"
MEDIATORS = [
    ("bench-mediator1", "riverside"),
    ("bench-mediator2", "riverside"),
    ("bench-mediator3", "hillview"),
]


# What runs at each size, in this order: SQL queries and the list's time in-process,
# the staff pages, the public form (and its throttle), the status check (and its
# throttles), the memory soak (at ``soak_size`` only).
PHASES = ("queries", "staff", "form", "status", "soak")


def _phases() -> tuple[str, ...]:
    asked = [name.strip() for name in os.environ.get("BENCH_PHASES", "").split(",")]
    asked = [name for name in asked if name]
    unknown = sorted(set(asked) - set(PHASES))
    if unknown:
        raise SystemExit(f"BENCH_PHASES: unknown phase(s) {', '.join(unknown)}; from {PHASES}")
    return tuple(name for name in PHASES if name in asked) if asked else PHASES


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Plan:
    """Every number that shapes a run; written into the results as they were used."""

    phases: tuple[str, ...] = field(default_factory=_phases)
    sizes: tuple[int, ...] = field(
        default_factory=lambda: tuple(
            int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(",")
        )
    )
    seed_batch: int = 2000
    seed_processes: int = 2
    workers: int = 2  # fixed by the spec: two gunicorn worker processes
    worker_class: str = field(
        default_factory=lambda: os.environ.get("BENCH_WORKER_CLASS", "gthread")
    )
    threads: int = field(default_factory=lambda: _env_int("BENCH_THREADS", 4))
    keep_alive: int = 5
    form_clients: int = 8
    form_warmup_seconds: float = 2.0
    form_seconds: float = field(default_factory=lambda: _env_float("BENCH_FORM_SECONDS", 20.0))
    form_max_requests_per_client: int = 20_000
    staff_warmup_requests: int = 20
    staff_requests: int = field(default_factory=lambda: _env_int("BENCH_STAFF_REQUESTS", 500))
    staff_references: int = 50
    staff_max_seconds: float = 120.0
    wide_list_requests: int = 50
    query_page_sizes: tuple[int, ...] = (5, 50, 200)
    # The status check: residents with known codes, new ones at each size, signing in
    # and reading their case page with 8 concurrent clients.
    status_residents: int = field(default_factory=lambda: _env_int("BENCH_STATUS_RESIDENTS", 2_000))
    status_clients: int = 8
    status_warmup_seconds: float = 2.0
    status_seconds: float = field(default_factory=lambda: _env_float("BENCH_STATUS_SECONDS", 20.0))
    status_max_requests_per_client: int = 20_000
    # The memory soak: complete journeys at this size only, after the timed phases.
    soak_size: int = field(default_factory=lambda: _env_int("BENCH_SOAK_SIZE", 100_000))
    soak_journeys: int = field(default_factory=lambda: _env_int("BENCH_SOAK_JOURNEYS", 10_000))
    soak_max_seconds: float = field(
        default_factory=lambda: _env_float("BENCH_SOAK_MAX_SECONDS", 900.0)
    )
    soak_sample_every: int = 1_000

    @property
    def partial(self) -> bool:
        """Whether only some phases run: the report then goes to bench/out/, not docs/."""
        return self.phases != PHASES

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Targets:
    """The targets from the issue."""

    form_requests_per_second: float = 200.0
    status_requests_per_second: float = 200.0
    list_p50_ms: float = 15.0
    detail_p50_ms: float = 20.0
    growth_factor: float = 1.2
    max_queries_per_page: int = 10
    seed_100k_seconds: float = 120.0
    # RSS after the soak may exceed RSS after its first 1,000 journeys by this much
    # (the larger of the two), per worker.
    soak_rss_growth_fraction: float = 0.10
    soak_rss_growth_kib: int = 10 * 1024
    # Sanity, not a target: other processes' share of the CPUs while measuring.
    outside_cpu_share_max: float = 0.10

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def django_env() -> dict[str, str]:
    """Return the environment for gunicorn and every Django process of the benchmark."""
    env = dict(os.environ)
    env.update(
        {
            "MEDIATION_ENV": "development",
            "DJANGO_SETTINGS_MODULE": "mediation.settings",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": DATABASE_URL,
            "CACHE_URL": CACHE_URL,
            "MEDIATION_BENCH_MODE": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env
