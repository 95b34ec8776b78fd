"""Where things are, what the benchmark runs against, and the targets it checks.

A few knobs can be overridden from the environment for experiments
(``BENCH_WORKER_CLASS``, ``BENCH_THREADS``, ``BENCH_FORM_SECONDS``,
``BENCH_SOAK_JOURNEYS``, ...); `make bench` uses the defaults below, and the
report records the values actually used.

Sizes and phases. ``BENCH_SIZES`` lists the database sizes in cases, in the
order they are reached by seeding more (default 10,000, 100,000, 1,000,000).
At each size the benchmark runs the per-size phases of ``SIZE_PHASES``
(``queries``, ``staff``, ``form``, ``status``, ``logging``, ``soak``), except where
``BENCH_SIZE_PHASES`` limits a size to some of them: by default
``1000000=queries,staff``, so the largest database only measures the staff pages
(their SQL and their latency), which are what the issue asks of it. Several
limits are separated by ``;``, e.g. ``BENCH_SIZE_PHASES="10000=staff;1000000=staff"``;
an empty value runs every phase at every size. The ``soak`` runs at
``BENCH_SOAK_SIZE`` only. ``ONCE_PHASES`` (``suggestions``, ``pdf``,
``access_log``, ``log_review``) do not depend on the database size and run once,
before the first seeding, each on data of its own.

``BENCH_PHASES`` picks what runs at all, comma-separated from ``PHASES`` (all by
default). A run of only some phases or of other sizes than the default, e.g.
``BENCH_PHASES=status BENCH_SIZES=10000 make bench``, writes its report to
``bench/out/benchmarks.md`` and leaves ``docs/benchmarks.md`` alone: that one is
for complete runs.

``BENCH_REUSE_DB=1`` (development only, never for the report of record) keeps a
``mediation_bench`` that an earlier run seeded to exactly the first size with
the same migrations and seeding code, and that since ran only the ``queries`` and
``staff`` phases: seeding 1,000,000 cases takes minutes. See ``bench.reuse``.
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


# What runs once per run, before seeding, on data of its own: assignment suggestions
# for a community of 500 mediators (``bench.suggestions``), agreement PDFs
# (``bench.agreement_pdf``).
ONCE_PHASES = ("suggestions", "pdf", "access_log", "log_review")
# What runs at each size, in this order: SQL queries per page and the list's time
# in-process, the staff pages (triage queue, case list, case page), the public form
# (and its throttle), the status check (and its throttles), the memory soak (at
# ``soak_size`` only).
SIZE_PHASES = ("queries", "staff", "form", "status", "logging", "soak")
PHASES = (*ONCE_PHASES, *SIZE_PHASES)

DEFAULT_SIZES = "10000,100000,1000000"
DEFAULT_SIZE_PHASES = "1000000=queries,staff"


def _names(text: str, variable: str) -> tuple[str, ...]:
    asked = [name.strip() for name in text.split(",")]
    asked = [name for name in asked if name]
    unknown = sorted(set(asked) - set(PHASES))
    if unknown:
        raise SystemExit(f"{variable}: unknown phase(s) {', '.join(unknown)}; from {PHASES}")
    return tuple(name for name in PHASES if name in asked)


def _phases() -> tuple[str, ...]:
    return _names(os.environ.get("BENCH_PHASES", ""), "BENCH_PHASES") or PHASES


def parse_size_phases(text: str) -> dict[int, tuple[str, ...]]:
    """``"1000000=queries,staff;10000=staff"`` -> {1000000: ("queries", "staff"), ...}."""
    limits: dict[int, tuple[str, ...]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        size, _, names = part.partition("=")
        phases = _names(names, "BENCH_SIZE_PHASES")
        if not size.strip().isdigit() or set(phases) - set(SIZE_PHASES):
            raise SystemExit(
                f"BENCH_SIZE_PHASES: {part.strip()!r} is not SIZE=phase,phase with phases "
                f"from {SIZE_PHASES}"
            )
        limits[int(size)] = phases
    return limits


def _size_phases() -> dict[int, tuple[str, ...]]:
    return parse_size_phases(os.environ.get("BENCH_SIZE_PHASES", DEFAULT_SIZE_PHASES))


def _sizes() -> tuple[int, ...]:
    sizes = tuple(int(n) for n in os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split(",") if n)
    if list(sizes) != sorted(set(sizes)):
        raise SystemExit("BENCH_SIZES: sizes must grow (each is reached by seeding more).")
    return sizes


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Plan:
    """Every number that shapes a run; written into the results as they were used."""

    phases: tuple[str, ...] = field(default_factory=_phases)
    sizes: tuple[int, ...] = field(default_factory=_sizes)
    # Sizes that run only some of the per-size phases (see the module's docstring).
    size_phases: dict[int, tuple[str, ...]] = field(default_factory=_size_phases)
    reuse_database: bool = field(
        default_factory=lambda: os.environ.get("BENCH_REUSE_DB", "") not in ("", "0")
    )
    seed_batch: int = 2000
    seed_processes: int = 2
    workers: int = 2  # fixed by the spec: two gunicorn worker processes
    worker_class: str = field(
        default_factory=lambda: os.environ.get("BENCH_WORKER_CLASS", "gthread")
    )
    # One request at a time per process (decision 0018); BENCH_THREADS to compare.
    threads: int = field(default_factory=lambda: _env_int("BENCH_THREADS", 1))
    keep_alive: int = 5
    form_clients: int = 8
    form_warmup_seconds: float = 2.0
    form_seconds: float = field(default_factory=lambda: _env_float("BENCH_FORM_SECONDS", 20.0))
    form_max_requests_per_client: int = 20_000
    staff_warmup_requests: int = 20
    staff_requests: int = field(default_factory=lambda: _env_int("BENCH_STAFF_REQUESTS", 300))
    staff_references: int = 50
    # Timelines added to the seeded cases (``bench.history``); one in this many is
    # marked as safety-flagged, as intake would have.
    safety_flagged_one_in: int = 20
    # Cases given sessions, notes, an agreement and overdue follow-ups through the
    # services at each size (``bench.casework``), for the casework pages' queries.
    casework_cases: int = 4
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
    # What logging costs the case page (``bench.logging_cost``): concurrent clients
    # reading case pages from a server with the access log on and one with it off,
    # in alternating rounds.
    logging_clients: int = 4
    logging_rounds: int = 8
    logging_warmup_seconds: float = 1.0
    logging_seconds: float = field(default_factory=lambda: _env_float("BENCH_LOGGING_SECONDS", 5.0))
    # The access log on its own databases: sealing and verifying (``bench.access_log``),
    # the review's filters (``bench.log_review``).
    access_log_events: int = field(
        default_factory=lambda: _env_int("BENCH_ACCESS_LOG_EVENTS", 1_000_000)
    )
    log_review_events: int = field(
        default_factory=lambda: _env_int("BENCH_LOG_REVIEW_EVENTS", 10_000_000)
    )

    # Assignment suggestions (``bench.suggestions``) and agreement PDFs (``bench.agreement_pdf``).
    suggestions_mediators: int = 500
    # Cases assigned among them: few, and about two years of such a community's (60 each).
    suggestions_cases: tuple[int, ...] = (3_000, 30_000)
    suggestions_calls: int = 200
    pdf_repeat: int = 30

    def phases_at(self, size: int) -> tuple[str, ...]:
        """The per-size phases that run at ``size``: asked for, and not limited away."""
        allowed = self.size_phases.get(size, SIZE_PHASES)
        return tuple(name for name in SIZE_PHASES if name in self.phases and name in allowed)

    def runs_once(self, name: str) -> bool:
        return name in ONCE_PHASES and name in self.phases

    @property
    def partial(self) -> bool:
        """Whether this is less or other than a complete run: its report goes to bench/out/."""
        return (
            self.phases != PHASES
            or self.sizes != tuple(int(n) for n in DEFAULT_SIZES.split(","))
            or self.size_phases != parse_size_phases(DEFAULT_SIZE_PHASES)
            or self.reuse_database
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Targets:
    """The targets from the issue."""

    form_requests_per_second: float = 200.0
    status_requests_per_second: float = 200.0
    # The foundation issue: the case list and the case page at 10,000 and 100,000 cases.
    list_p50_ms: float = 15.0
    detail_p50_ms: float = 20.0
    # The casework issue: the triage queue, the case list and the case page at 100,000
    # and 1,000,000 cases (stricter for the case page, so it applies where both do).
    casework_p50_ms: float = 15.0
    casework_sizes: tuple[int, ...] = (100_000, 1_000_000)
    growth_factor: float = 1.2
    # (smaller size, larger size, pages): the larger no more than growth_factor slower.
    growth_pairs: tuple[tuple[int, int, tuple[str, ...]], ...] = (
        (10_000, 100_000, ("list", "detail")),
        (100_000, 1_000_000, ("triage", "list", "detail")),
    )
    max_queries_per_page: int = 10
    seed_100k_seconds: float = 120.0
    # Assignment suggestions for a community of 500 mediators (p95 of the call).
    suggestions_ms: float = 50.0
    # One party's agreement PDF, rendered warm (slowest of the renders, each language).
    pdf_seconds: float = 1.5
    # RSS after the soak may exceed RSS after its first 1,000 journeys by this much
    # (the larger of the two), per worker.
    soak_rss_growth_fraction: float = 0.10
    soak_rss_growth_kib: int = 10 * 1024
    # The access log (issue 5): case-page throughput with logging on at least this
    # share of it off; sealing rate; verifying 1,000,000 events; the review's filters.
    logging_on_off_ratio: float = 0.90
    sealing_events_per_second: float = 20_000.0
    verify_seconds: float = 10.0
    review_filter_ms: float = 200.0
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
