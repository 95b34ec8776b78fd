"""Benchmark of the access log review on PostgreSQL: ten million events, filtered.

Run as ``.venv/bin/python -m bench.log_review`` (``--events N`` for another
size, ``--keep`` to leave the database for a look with psql). It

1. creates a throwaway database (``mediation_bench_review``) and migrates it,
   so the table, its indexes (the BRIN on time included) and triggers are the
   project's own;
2. makes eight communities with fifty staff each, and a thousand real
   (encrypted) cases, through the seeding code the demo uses;
3. loads the events with one ``INSERT ... SELECT`` over ``generate_series``,
   secondary indexes dropped and rebuilt afterwards as a restore would: three
   years of a programme's log in time order, mostly daytime casework, with
   residents' views, status checks (a few failing), sign-ins, refusals and rare
   break-glass views;
4. ``VACUUM ANALYZE``, then times the review's selectors, as the pages call
   them (reading, resolving usernames and references, writing the reading's
   own event), and the whole page through Django's test client, for typical
   filters: p50 and p95 over repeated runs, and the indexes PostgreSQL chose;
5. writes ``var/bench/log_review.json``, prints it, and drops the database.

Target (issue 5): every typical filter under 200 ms at ten million events.

The world and the events are made in ``bench.log_review_data``, the timing is
in ``bench.log_review_timing``; this module runs them and writes the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bench.log_review_data import (
    COMMUNITIES,
    DATABASE_URL,
    DB_NAME,
    REAL_CASES,
    STAFF_PER_COMMUNITY,
    SYNTHETIC_CASES,
    YEARS,
    load_events,
    make_world,
    pg_url,
)
from bench.log_review_timing import TARGET_MS, measure, say

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "log_review.json"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
RUNS = 30


def _recreate_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _drop_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def _setup_django() -> None:
    os.environ.update(
        {
            "MEDIATION_ENV": "development",
            "DJANGO_SETTINGS_MODULE": "mediation.settings",
            "DEBUG": "false",
            "DATABASE_URL": DATABASE_URL,
            "CACHE_URL": "locmemcache://",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
    )
    import django

    django.setup()


def _commits_by_database() -> dict[str, int]:
    """Return the transactions committed so far in each of the server's other databases.

    Other work on the same machine (test suites, other benchmarks) competes for
    the two CPUs and the disk; the difference across the measurement says how
    much there was.
    """
    with psycopg.connect(PG_ADMIN_URL) as conn:
        rows = conn.execute(
            "SELECT datname, xact_commit FROM pg_stat_database "
            "WHERE datname IS NOT NULL AND datname NOT IN (%s, 'postgres')",
            (DB_NAME,),
        ).fetchall()
    return {str(name): int(commits) for name, commits in rows}


def _commits_since(before: dict[str, int]) -> int:
    after = _commits_by_database()
    # Databases created or dropped meanwhile (test runs) count from zero.
    return sum(max(0, count - before.get(name, 0)) for name, count in after.items())


def _sizes() -> dict[str, Any]:
    with psycopg.connect(pg_url()) as conn:
        table = conn.execute(
            "SELECT pg_size_pretty(pg_table_size('audit_accessevent')), "
            "(SELECT count(*) FROM audit_accessevent), "
            "min(occurred_at), max(occurred_at) FROM audit_accessevent"
        ).fetchone()
        indexes = conn.execute(
            "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) "
            "FROM pg_stat_user_indexes WHERE relname = 'audit_accessevent' ORDER BY indexrelname"
        ).fetchall()
    if table is None:
        raise SystemExit("the events table is empty")
    return {
        "table": table[0],
        "events": table[1],
        "first_event": table[2].isoformat(),
        "last_event": table[3].isoformat(),
        "indexes": dict(indexes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the figures")
    args = parser.parse_args()

    say(f"creating {DB_NAME}")
    _recreate_database()
    try:
        _setup_django()
        started = time.perf_counter()
        world = make_world()
        setup_s = round(time.perf_counter() - started, 1)
        say(f"world ready in {setup_s} s; loading {args.events:,} events")
        from django.db import connection

        connection.close()
        load = load_events(args.events, world)
        load["world_s"] = setup_s
        load["total_s"] = round(sum(load.values()), 1)
        say(f"loaded: {load}")
        sizes = _sizes()
        load_before = os.getloadavg()
        commits_before = _commits_by_database()
        measured = measure(world, args.runs)
        contention = {
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "commits_in_other_databases_during_measurement": _commits_since(commits_before),
        }
        with psycopg.connect(PG_ADMIN_URL) as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
            shared_buffers = str(conn.execute("SHOW shared_buffers").fetchone()[0])  # type: ignore[index]
        report = {
            "benchmark": "access log review (bench/log_review.py)",
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "target_ms": TARGET_MS,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "postgresql": version,
                "shared_buffers": shared_buffers,
            },
            "data": {
                "events": args.events,
                "communities": COMMUNITIES,
                "staff": COMMUNITIES * STAFF_PER_COMMUNITY + 2,
                "cases": REAL_CASES + SYNTHETIC_CASES,
                "years": YEARS,
                "reviewer_scope": "privacy officer of one community of eight",
                **sizes,
            },
            "load": load,
            "contention": contention,
            "timings": measured,
            "all_typical_under_target": all(
                value["under_target"]
                for name, value in measured.items()
                if not any(word in name for word in ("worst case", "widest window", "export"))
            ),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _drop_database()
            say(f"dropped {DB_NAME}")


if __name__ == "__main__":
    main()
