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
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "log_review.json"
DB_NAME = "mediation_bench_review"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
TARGET_MS = 200.0
COMMUNITIES = 8
STAFF_PER_COMMUNITY = 50
REAL_CASES = 1_000
SYNTHETIC_CASES = 299_000
YEARS = 3
RUNS = 30
UNUSABLE = "!"  # Django's mark for a password nobody can sign in with
WARM_UP = 3


def _say(message: str) -> None:
    print(f"[log_review] {message}", file=sys.stderr, flush=True)


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


# ---- the world: communities, staff, real cases -----------------------------


def _make_world() -> dict[str, Any]:
    """Create communities, staff (ids contiguous per community) and real cases."""
    from django.core.management import call_command
    from django.db import transaction

    from mediation.accounts.models import Community, Role, RoleAssignment, User
    from mediation.cases.seeding import SeedStaff, seed_cases

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        communities = [
            Community.objects.create(
                slug=f"community-{n}", name_en=f"Community {n}", name_zh=f"社区{n}"
            )
            for n in range(COMMUNITIES)
        ]
        users = User.objects.bulk_create(
            User(username=f"c{c}-staff{s}", password=UNUSABLE)
            for c in range(COMMUNITIES)
            for s in range(STAFF_PER_COMMUNITY)
        )
        admins = User.objects.bulk_create(
            User(username=f"admin{n}", password=UNUSABLE) for n in range(2)
        )
        roles = []
        for index, user in enumerate(users):
            community = communities[index // STAFF_PER_COMMUNITY]
            slot = index % STAFF_PER_COMMUNITY
            role = (
                Role.PRIVACY_OFFICER
                if slot == 0
                else Role.COORDINATOR
                if slot <= 3
                else Role.MEDIATOR
            )
            roles.append(RoleAssignment(user=user, role=role, community=community))
        roles += [RoleAssignment(user=admin, role=Role.ADMINISTRATOR) for admin in admins]
        RoleAssignment.objects.bulk_create(roles)
    mediators = {
        community.pk: [users[c * STAFF_PER_COMMUNITY + s] for s in range(4, STAFF_PER_COMMUNITY)]
        for c, community in enumerate(communities)
    }
    seed_cases(
        communities=communities,
        staff=SeedStaff(mediators_by_community=mediators),
        count=REAL_CASES,
        seed=15,
    )
    first_ids = [users[c * STAFF_PER_COMMUNITY].pk for c in range(COMMUNITIES)]
    contiguous = all(
        users[c * STAFF_PER_COMMUNITY + s].pk == first_ids[c] + s
        for c in range(COMMUNITIES)
        for s in range(STAFF_PER_COMMUNITY)
    )
    if not contiguous:
        raise SystemExit("staff ids are not contiguous per community; start from an empty database")
    return {
        "community_ids": [community.pk for community in communities],
        "first_staff_ids": first_ids,
        "admin_ids": [admin.pk for admin in admins],
        "privacy_officer": users[0].username,
        "busy_mediator_id": users[4].pk,
        "busy_mediator": users[4].username,
    }


# ---- the events --------------------------------------------------------------

# One row per event: g is its position in time. Each event picks a case from
# the pool (real cases first, then synthetic ids), whose community it takes,
# and a kind by a uniform draw r: mostly staff casework in daytime, residents
# and the public at any hour. Staff of community k have ids first[k]..first[k]+49:
# slot 0 the privacy officer, 1-3 coordinators, 4-49 mediators.
_EVENTS_SQL = """
WITH draws AS (
    SELECT g,
           random() AS r,
           1 + floor(random() * %(pool)s)::int AS n,
           floor(random() * 46)::int AS slot,
           (g %% %(per_day)s)::float8 / %(per_day)s AS f
    FROM generate_series(%(from)s, %(to)s) AS g
), cased AS (
    SELECT d.*,
           CASE WHEN n <= %(real)s THEN (%(real_ids)s::text[])[n]
                ELSE md5(n::text)::uuid::text END AS case_id,
           CASE WHEN n <= %(real)s THEN (%(real_communities)s::int[])[n]
                ELSE n %% %(communities)s END AS community_index
    FROM draws d
), placed AS (
    SELECT c.*, (%(community_ids)s::int[])[1 + community_index] AS community_id,
           -- Time of day: 92%% of a day's events between 08:00 and 19:00, the rest
           -- spread over the evening and night, in order, so the table is in time order.
           %(start)s::timestamptz
             + ((g / %(per_day)s)::int) * interval '1 day'
             + CASE WHEN f < 0.04 THEN f / 0.04 * interval '8 hours'
                    WHEN f < 0.96 THEN interval '8 hours' + (f - 0.04) / 0.92 * interval '11 hours'
                    ELSE interval '19 hours' + (f - 0.96) / 0.04 * interval '5 hours' END
             + random() * interval '2 seconds' AS occurred_at,
           (f < 0.04 OR f >= 0.96) AS night
    FROM cased c
)
INSERT INTO audit_accessevent (occurred_at, actor_type, actor_id, actor_role, action, outcome,
                               object_type, object_id, community_id, purpose, channel,
                               request_id, break_glass_id)
SELECT occurred_at,
       CASE WHEN kind IN ('resident') THEN 'resident'
            WHEN kind IN ('status_fail', 'sign_in_fail') THEN 'anonymous'
            WHEN kind = 'system' THEN 'system'
            ELSE 'staff' END,
       CASE WHEN kind = 'resident' THEN md5(case_id || 'party')::uuid::text
            WHEN kind IN ('status_fail', 'sign_in_fail') THEN ''
            WHEN kind = 'system' THEN 'seal_access_log'
            WHEN kind = 'break_glass'
                -- a coordinator of the next community, reading beyond their scope
                THEN ((%(first)s)[1 + (community_index + 1) %% %(communities)s] + 1)::text
            ELSE ((%(first)s)[1 + community_index] + 4 + slot)::text END,
       CASE WHEN kind = 'resident' THEN 'requester'
            WHEN kind IN ('status_fail', 'sign_in_fail', 'system', 'sign_in') THEN ''
            WHEN kind = 'break_glass' THEN 'coordinator'
            ELSE 'mediator' END,
       CASE WHEN kind IN ('list') THEN 'list'
            WHEN kind IN ('update') THEN 'update'
            WHEN kind IN ('sign_in', 'sign_in_fail') THEN 'login'
            WHEN kind = 'system' THEN 'create'
            ELSE 'view' END,
       CASE WHEN kind IN ('status_fail', 'refused') THEN 'refused'
            WHEN kind = 'sign_in_fail' THEN 'failed'
            ELSE 'success' END,
       CASE WHEN kind IN ('sign_in') THEN 'totp_device'
            WHEN kind = 'sign_in_fail' THEN 'staff_user'
            WHEN kind = 'part' THEN 'session'
            ELSE 'case' END,
       CASE WHEN kind = 'list' THEN ''
            WHEN kind = 'sign_in' THEN (community_index * 50 + slot)::text
            WHEN kind = 'sign_in_fail' THEN ((%(first)s)[1 + community_index] + slot)::text
            WHEN kind = 'part' THEN md5(case_id || 'session')::uuid::text
            ELSE case_id END,
       CASE WHEN kind IN ('sign_in', 'sign_in_fail') THEN NULL ELSE community_id END,
       CASE WHEN kind = 'resident' OR kind = 'status_fail' THEN 'self_service'
            WHEN kind IN ('sign_in', 'sign_in_fail') THEN 'authentication'
            WHEN kind = 'break_glass' THEN 'break_glass'
            WHEN kind = 'system' THEN 'key_management'
            ELSE 'casework' END,
       CASE WHEN kind = 'system' THEN 'command' ELSE 'web' END,
       CASE WHEN kind = 'system' THEN NULL ELSE gen_random_uuid() END,
       CASE WHEN kind = 'break_glass' THEN md5(case_id || 'glass')::uuid ELSE NULL END
FROM (
    SELECT placed.*,
           CASE WHEN night THEN
                    CASE WHEN r < 0.60 THEN 'resident'
                         WHEN r < 0.75 THEN 'status_fail'
                         WHEN r < 0.80 THEN 'sign_in_fail'
                         WHEN r < 0.81 THEN 'system'
                         WHEN r < 0.83 THEN 'view'
                         ELSE 'resident' END
                ELSE
                    CASE WHEN r < 0.50 THEN 'view'
                         WHEN r < 0.60 THEN 'list'
                         WHEN r < 0.68 THEN 'update'
                         WHEN r < 0.76 THEN 'part'
                         WHEN r < 0.84 THEN 'resident'
                         WHEN r < 0.89 THEN 'sign_in'
                         WHEN r < 0.905 THEN 'status_fail'
                         WHEN r < 0.91 THEN 'sign_in_fail'
                         WHEN r < 0.92 THEN 'refused'
                         WHEN r < 0.9205 THEN 'break_glass'
                         WHEN r < 0.921 THEN 'system'
                         ELSE 'view' END
           END AS kind
    FROM placed
) AS events
"""


def _pg_url() -> str:
    return DATABASE_URL.replace("postgres://", "postgresql://")


def _load_events(count: int, world: dict[str, Any]) -> dict[str, float]:
    """Load ``count`` events with the secondary indexes dropped, then rebuild them.

    The rows are made in PostgreSQL itself, in one statement, in time order.
    One connection only: two loading halves of the time range at once would
    interleave their pages, and a table whose pages mix two years is one a
    BRIN index cannot help with, unlike a real log, which is appended in time
    order.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(_pg_url()) as conn:
        cases = conn.execute(
            "SELECT id::text, array_position(%s::int[], community_id) - 1 "
            "FROM cases_case ORDER BY id",
            (world["community_ids"],),
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'audit_accessevent' AND indexname <> 'audit_accessevent_pkey'"
        ).fetchall()
        for name, _definition in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        conn.commit()
    timings["prepare_s"] = round(time.perf_counter() - started, 1)

    days = YEARS * 365
    start = datetime.datetime.now(datetime.UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) - datetime.timedelta(days=days)
    params = {
        "pool": len(cases) + SYNTHETIC_CASES,
        "real": len(cases),
        "real_ids": [case_id for case_id, _ in cases],
        "real_communities": [index for _, index in cases],
        "community_ids": world["community_ids"],
        "per_day": max(1, count // days),
        "start": start,
        "first": world["first_staff_ids"],
        "communities": COMMUNITIES,
    }
    started = time.perf_counter()
    with psycopg.connect(_pg_url()) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '64MB'")
        conn.execute(_EVENTS_SQL, {**params, "from": 1, "to": count})
        conn.commit()
    timings["insert_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with psycopg.connect(_pg_url(), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for _name, definition in indexes:
            conn.execute(definition)
    timings["indexes_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with psycopg.connect(_pg_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE audit_accessevent")
        conn.execute("ANALYZE")
        conn.execute("CHECKPOINT")
    os.sync()
    timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return timings


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
    with psycopg.connect(_pg_url()) as conn:
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


# ---- timing ------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _explain(sql_text: str) -> tuple[list[str], float]:
    """Return the indexes PostgreSQL uses for ``sql_text`` and its execution time in ms."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Captured SQL has its parameters inlined already: run it as it ran.
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql_text}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    indexes = re.findall(r"(?:using|on) (access_event_\w+|audit_accessevent_\w+)", plan)
    executed = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    return sorted(set(indexes)), float(executed.group(1)) if executed else 0.0


def _time(name: str, call: Any, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if "audit_accessevent" in query["sql"]
        and query["sql"].lstrip().upper().startswith("SELECT")
    ]
    indexes: set[str] = set()
    database_ms = 0.0
    for text in reads:
        used, executed = _explain(text)
        indexes.update(used)
        database_ms += executed
    p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
    _say(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return {
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(samples), 1),
        "runs": runs,
        "queries": len(captured.captured_queries),
        "result": result,
        "indexes_used": sorted(indexes),
        "log_reads_execution_ms": round(database_ms, 2),
        "under_target": p95 < TARGET_MS,
    }


def _measure(world: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mediation.accounts.models import User
    from mediation.accounts.sessions import mark_signed_in
    from mediation.audit.context import audit_context
    from mediation.audit.models import Channel, Purpose
    from mediation.cases.log_review import (
        LogQuery,
        access_log_export,
        access_log_flags,
        access_log_review,
    )
    from mediation.cases.models import Case

    officer = User.objects.get(username=world["privacy_officer"])
    reference = (
        Case.objects.filter(community_id=world["community_ids"][0])
        .order_by("reference")
        .values_list("reference", flat=True)
        .first()
    )
    from django.utils import timezone

    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=29)
    one_day = today - datetime.timedelta(days=100)
    queries: dict[str, LogQuery] = {
        "newest, last 30 days (no filter)": LogQuery(),
        "case reference, all time": LogQuery(reference=reference or ""),
        "staff member over a month": LogQuery(
            username=world["busy_mediator"], date_from=month_ago, date_to=today
        ),
        "break-glass only, last 30 days": LogQuery(break_glass_only=True),
        "break-glass only, a year": LogQuery(
            break_glass_only=True, date_from=today - datetime.timedelta(days=365), date_to=today
        ),
        "one day": LogQuery(date_from=one_day, date_to=one_day),
        "refused, last 30 days": LogQuery(outcome="refused"),
        "rare purpose over a year (worst case)": LogQuery(
            purpose=Purpose.KEY_MANAGEMENT,
            date_from=today - datetime.timedelta(days=365),
            date_to=today,
        ),
    }
    results: dict[str, Any] = {}
    with audit_context(channel=Channel.WEB):
        for name, query in queries.items():
            results[f"selector: {name}"] = _time(
                name,
                lambda query=query: len(access_log_review(user=officer, query=query, size=50).rows),
                runs,
            )
        first = access_log_review(user=officer, query=LogQuery(), size=50)
        results["selector: page 2 by keyset cursor"] = _time(
            "page 2 by cursor",
            lambda: len(
                access_log_review(
                    user=officer, query=LogQuery(), size=50, older_than=first.older
                ).rows
            ),
            runs,
        )
        results["selector: flags over 7 days"] = _time(
            "flags over 7 days",
            lambda: (
                lambda report: {
                    "staff_case_views": len(report.staff_case_views),
                    "quiet_hour_activity": len(report.quiet_hour_activity),
                    "failed_status_checks": len(report.failed_status_checks),
                }
            )(access_log_flags(user=officer)),
            runs,
        )

        results["selector: flags over 31 days (the widest window)"] = _time(
            "flags over 31 days (the widest window)",
            lambda: len(
                access_log_flags(
                    user=officer, date_from=today - datetime.timedelta(days=30), date_to=today
                ).quiet_hour_activity
            ),
            runs,
        )

        def export(query: LogQuery) -> int:
            _window, lines = access_log_export(user=officer, query=query)
            return sum(1 for _line in lines) - 1

        results["export: whole CSV, last 7 days"] = _time(
            "export, last 7 days",
            lambda: export(LogQuery(date_from=today - datetime.timedelta(days=6), date_to=today)),
            max(3, runs // 6),
        )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    device = TOTPDevice.objects.create(user=officer, name="authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_signed_in(session)
    session.save()
    pages = {
        "page: newest, last 30 days": ("/audit/log/", {}),
        "page: case reference": ("/audit/log/", {"reference": reference}),
        "page: staff member over a month": (
            "/audit/log/",
            {
                "username": world["busy_mediator"],
                "date_from": month_ago.isoformat(),
                "date_to": today.isoformat(),
            },
        ),
        "page: break-glass only": ("/audit/log/", {"break_glass": "on"}),
        "page: one day": (
            "/audit/log/",
            {"date_from": one_day.isoformat(), "date_to": one_day.isoformat()},
        ),
        "page: flags over 7 days": ("/audit/log/flags/", {}),
    }

    def fetch(url: str, params: dict[str, Any]) -> int:
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        return len(response.content)

    for name, (url, params) in pages.items():
        results[name] = _time(name, lambda url=url, params=params: fetch(url, params), runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the figures")
    args = parser.parse_args()

    _say(f"creating {DB_NAME}")
    _recreate_database()
    try:
        _setup_django()
        started = time.perf_counter()
        world = _make_world()
        setup_s = round(time.perf_counter() - started, 1)
        _say(f"world ready in {setup_s} s; loading {args.events:,} events")
        from django.db import connection

        connection.close()
        load = _load_events(args.events, world)
        load["world_s"] = setup_s
        load["total_s"] = round(sum(load.values()), 1)
        _say(f"loaded: {load}")
        sizes = _sizes()
        load_before = os.getloadavg()
        commits_before = _commits_by_database()
        measured = _measure(world, args.runs)
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
            _say(f"dropped {DB_NAME}")


if __name__ == "__main__":
    main()
