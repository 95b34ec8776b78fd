"""Keep a seeded ``mediation_bench`` between development runs (``BENCH_REUSE_DB=1``).

Seeding 1,000,000 encrypted cases takes minutes. With ``BENCH_REUSE_DB=1`` a run
keeps the database an earlier run left behind, instead of recreating it, when
all of these hold (else it recreates and seeds as usual):

- it was last seeded to exactly the run's first size;
- with the same seeding: a digest of the migrations, the models, the seeding and
  encryption code, the bench's own seeding modules, the development keys the data
  is encrypted with, and the seeding parameters (``fingerprint``);
- since then it ran only the ``queries`` and ``staff`` phases, which add access
  events and sessions but no cases (``mark_phases`` records any other phase).

The state lives in a table of the benchmark's own in that database, written
after each size is seeded. A run that reuses says so in its results and its
report, and writes its report to bench/out/ (``Plan.partial``): the report of
record always seeds from scratch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bench.config import DB_NAME, PG_ADMIN_URL, ROOT, Plan
from bench.db import BENCH_URL

TABLE = "bench_reuse_state"
HARMLESS_PHASES = frozenset({"queries", "staff"})
FINGERPRINTED = (
    "mediation/*/migrations/*.py",
    "mediation/cases/models/*.py",
    "mediation/cases/seeding.py",
    "mediation/cases/services.py",
    "mediation/privacy/*.py",
    "bench/seed.py",
    "bench/history.py",
    "bench/casework.py",
    "var/dev-keys.json",
)


def fingerprint(plan: Plan) -> str:
    """A digest of everything that shapes the seeded data (see the module's docstring)."""
    digest = hashlib.sha256()
    for pattern in FINGERPRINTED:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    parameters = {
        "seed_batch": plan.seed_batch,
        "seed_processes": plan.seed_processes,
        "safety_flagged_one_in": plan.safety_flagged_one_in,
        "casework_cases": plan.casework_cases,
    }
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()


def _exists() -> bool:
    with psycopg.connect(PG_ADMIN_URL) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
    return row is not None


def read_state() -> dict[str, Any] | None:
    """Return the state an earlier run recorded in ``mediation_bench``, if any."""
    if not _exists():
        return None
    with psycopg.connect(BENCH_URL) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (TABLE,)).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(f"SELECT state FROM {TABLE} WHERE id = 1").fetchone()  # noqa: S608
    return dict(row[0]) if row else None


def reusable(plan: Plan, digest: str) -> tuple[dict[str, Any] | None, str]:
    """Return (the state to reuse or None, why)."""
    state = read_state()
    if state is None:
        return None, f"no {DB_NAME} with a recorded state"
    if state.get("fingerprint") != digest:
        return None, "its seeding differs (migrations, models, seeding code, keys or parameters)"
    if state.get("size") != plan.sizes[0]:
        return None, f"it holds {state.get('size', 0):,} seeded cases, not {plan.sizes[0]:,}"
    if state.get("mutated"):
        return None, f"it has since run {', '.join(state['mutated'])}"
    return state, f"seeded {state['seeded_at']} to {state['size']:,} cases, unchanged since"


def write_state(state: dict[str, Any]) -> None:
    """Record the state after seeding a size; what changed the database before stays noted."""
    earlier = read_state() or {}
    state = {
        **state,
        "seeded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mutated": earlier.get("mutated", []),
    }
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id int PRIMARY KEY, state jsonb)")
        conn.execute(
            f"INSERT INTO {TABLE} (id, state) VALUES (1, %s) "  # noqa: S608
            "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state",
            (Jsonb(state),),
        )


def mark_phases(phases: tuple[str, ...]) -> None:
    """Record, before they run, the phases that change the database beyond reuse."""
    changing = [name for name in phases if name not in HARMLESS_PHASES]
    state = read_state()
    if not changing or state is None:
        return
    state["mutated"] = sorted({*state.get("mutated", []), *changing})
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute(f"UPDATE {TABLE} SET state = %s WHERE id = 1", (Jsonb(state),))  # noqa: S608
