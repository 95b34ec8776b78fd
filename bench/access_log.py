"""Access log sealing and verification at 1,000,000 events, on a throwaway PostgreSQL database.

    .venv/bin/python -m bench.access_log [--events 1000000] [--keep]

Creates ``mediation_bench_log`` (dropped at the end unless ``--keep``),
migrates it, and in steps: bulk-inserts a first tenth of the events, seals
and verifies them, then inserts the rest, seals and verifies all of them.
At the end it verifies once more with ``--encode-in-python`` (for the
record: no target). Each seal and verify runs in its own process, so its peak RSS
(``resource.getrusage``) is its own: verifying ten times as many events should not
need more memory. Writes ``var/bench/access_log.json`` and prints the figures.

Targets (issue 5, item 9): sealing at least 20,000 events/s; verifying
1,000,000 events in under 10 s with flat memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "access_log.json"
DB_NAME = "mediation_bench_log"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
SEALING_TARGET = 20_000  # events/s
VERIFY_TARGET = 10.0  # seconds for 1,000,000 events
EVENTS_PER_TRANSACTION = 50

# Runs in the child: set up Django, do one thing, print what it measured as JSON.
_CHILD = """
import json, resource, sys, time, django
django.setup()
from django.db import connection
phase = sys.argv[1]
if phase == "seal":
    from mediation.audit.sealing import seal_access_log
    start = time.perf_counter()
    result = seal_access_log()
    seconds = time.perf_counter() - start
    figures = {"sealed": result.sealed, "position": result.position,
               "checkpoints": result.checkpoints, "seconds": seconds}
else:
    from mediation.audit.verification import verify_access_log
    start = time.perf_counter()
    report = verify_access_log(encode_in_python=phase == "verify-in-python")
    seconds = time.perf_counter() - start
    figures = {"intact": report.intact, "events": report.events, "seals": report.seals,
               "checkpoints": report.checkpoints, "seconds": seconds,
               "breaks": [str(b) for b in report.breaks]}
# ru_maxrss is in KiB on Linux: this process's high-water mark, Django included.
figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(figures))
"""


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDIATION_")}
    env.update(
        DJANGO_SETTINGS_MODULE="mediation.settings",
        MEDIATION_ENV="development",
        DATABASE_URL=DATABASE_URL,
        CONN_MAX_AGE="0",
        DEBUG="false",
    )
    return env


def _recreate_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def _migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_env(),
        check=True,
    )


def _insert(count: int, first_number: int) -> float:
    """Insert ``count`` events, ``EVENTS_PER_TRANSACTION`` per transaction; return seconds.

    Generated in SQL, like the events of busy case pages: staff viewing cases
    of a few communities, some refused, a request id per transaction. The
    database fills ``xact_id`` itself, as it does for the application.
    """
    insert = """
        INSERT INTO audit_accessevent (occurred_at, actor_type, actor_id, actor_role, action,
            outcome, object_type, object_id, community_id, purpose, channel, request_id)
        SELECT now() - make_interval(secs => %(last)s::bigint - n), 'staff', (n %% 97)::text,
            'mediator', 'view', CASE WHEN n %% 50 = 0 THEN 'refused' ELSE 'success' END,
            'case', md5(n::text), n %% 7, 'casework', 'web', gen_random_uuid()
        FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
    """
    start = time.perf_counter()
    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://")) as conn:
        for offset in range(0, count, EVENTS_PER_TRANSACTION):
            first = first_number + offset
            last = first + min(EVENTS_PER_TRANSACTION, count - offset) - 1
            conn.execute(insert, {"first": first, "last": last})
            conn.commit()
        conn.execute("ANALYZE audit_accessevent")
    return time.perf_counter() - start


def _wait_until_sealable(timeout: float = 1800.0) -> float:
    """Wait until no transaction older than the inserted events is open; return seconds waited.

    A transaction left open anywhere on the server (another benchmark, a test
    suite) holds sealing back, rightly: the wait is reported, not timed as sealing.
    """
    start = time.perf_counter()
    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://")) as conn:
        newest = conn.execute("SELECT max(xact_id) FROM audit_accessevent").fetchone()
        while time.perf_counter() - start < timeout:
            xmin = conn.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
            ).fetchone()
            conn.rollback()
            if newest is None or newest[0] is None or (xmin and xmin[0] > newest[0]):
                break
            time.sleep(0.2)
    return time.perf_counter() - start


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _run_child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh process; return the figures it printed as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


_BASELINE = """
import json, resource, django
django.setup()
import mediation.audit.verification
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_rss_mib": round(peak / 1024, 1)}))
"""


def _server() -> dict[str, str]:
    with psycopg.connect(ADMIN_URL) as conn:
        settings = {
            name: str(conn.execute("SELECT current_setting(%s)", (name,)).fetchone()[0])  # type: ignore[index]
            for name in ("server_version", "shared_buffers", "synchronous_commit", "fsync")
        }
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="Where to write the figures.")
    args = parser.parse_args()
    total = args.events
    first_step = total // 10

    print(f"Creating {DB_NAME} and migrating it...", flush=True)
    _recreate_database()
    try:
        _migrate()
        steps = []
        inserted = 0
        for size in (first_step, total - first_step):
            insert_seconds = _insert(size, inserted + 1)
            inserted += size
            print(f"Inserted {size:,} events ({inserted:,} in all) in {insert_seconds:.1f} s.")
            waited = _wait_until_sealable()
            load_before = _load()
            sealing = _run_child(_CHILD, "seal")
            rate = sealing["sealed"] / sealing["seconds"]
            print(
                f"  sealed {sealing['sealed']:,} in {sealing['seconds']:.2f} s "
                f"({rate:,.0f} events/s), peak RSS {sealing['peak_rss_mib']} MiB"
            )
            verifying = _run_child(_CHILD, "verify")
            print(
                f"  verified {verifying['seals']:,} seals in {verifying['seconds']:.2f} s, "
                f"peak RSS {verifying['peak_rss_mib']} MiB, intact: {verifying['intact']}"
            )
            steps.append(
                {
                    "events_in_log": inserted,
                    "inserted": size,
                    "insert_seconds": round(insert_seconds, 2),
                    "waited_for_older_transactions_seconds": round(waited, 2),
                    "load_average_before": load_before,
                    "load_average_after": _load(),
                    "sealing": {**sealing, "events_per_second": round(rate)},
                    "verifying": verifying,
                }
            )
        in_python = _run_child(_CHILD, "verify-in-python")
        print(
            f"  verified again, encoding in Python: {in_python['seconds']:.2f} s, "
            f"peak RSS {in_python['peak_rss_mib']} MiB"
        )
        baseline = _run_child(_BASELINE)["peak_rss_mib"]
    finally:
        if not args.keep:
            _drop_database()

    final = steps[-1]
    results = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "postgresql": _server(),
        },
        "events": total,
        "django_setup_peak_rss_mib": baseline,
        "steps": steps,
        "targets": {
            "sealing_events_per_second": SEALING_TARGET,
            "verify_seconds_for_1m": VERIFY_TARGET,
        },
        "sealing_events_per_second": final["sealing"]["events_per_second"],
        "verify_seconds": round(final["verifying"]["seconds"], 2),
        "verify_peak_rss_mib": final["verifying"]["peak_rss_mib"],
        "verify_peak_rss_mib_at_a_tenth": steps[0]["verifying"]["peak_rss_mib"],
        "verify_encoding_in_python": in_python,
        "sealing_meets_target": final["sealing"]["events_per_second"] >= SEALING_TARGET,
        "verify_meets_target": total < 1_000_000 or final["verifying"]["seconds"] < VERIFY_TARGET,
        "intact": all(step["verifying"]["intact"] for step in steps),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\nSealing: {results['sealing_events_per_second']:,} events/s "
        f"(target {SEALING_TARGET:,}).\n"
        f"Verifying {total:,} events: {results['verify_seconds']} s "
        f"(target < {VERIFY_TARGET:g} s), "
        f"peak RSS {results['verify_peak_rss_mib']} MiB "
        f"({results['verify_peak_rss_mib_at_a_tenth']} MiB at a tenth of the events; "
        f"Django alone {baseline} MiB).\n"
        f"Written to {args.out}."
    )


if __name__ == "__main__":
    main()
