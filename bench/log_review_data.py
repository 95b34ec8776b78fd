"""The data of the access-log review benchmark: its database, world and events.

``bench.log_review`` creates the database (``mediation_bench_review``) and
migrates it, then calls ``make_world`` (eight communities of fifty staff each,
a thousand real encrypted cases, through the seeding code the demo uses) and
``load_events`` (three years of a programme's log, in time order, made by
PostgreSQL in one ``INSERT ... SELECT``, secondary indexes rebuilt afterwards).
"""

from __future__ import annotations

import datetime
import os
import time
from typing import Any

import psycopg
from psycopg import sql

DB_NAME = "mediation_bench_review"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
COMMUNITIES = 8
STAFF_PER_COMMUNITY = 50
REAL_CASES = 1_000
SYNTHETIC_CASES = 299_000
YEARS = 3
UNUSABLE = "!"  # Django's mark for a password nobody can sign in with


def pg_url() -> str:
    return DATABASE_URL.replace("postgres://", "postgresql://")


# ---- the world: communities, staff, real cases -----------------------------


def make_world() -> dict[str, Any]:
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
    FROM generate_series(%(from)s::bigint, %(to)s::bigint) AS g
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


def load_events(count: int, world: dict[str, Any]) -> dict[str, float]:
    """Load ``count`` events with the secondary indexes dropped, then rebuild them.

    The rows are made in PostgreSQL itself, in one statement, in time order.
    One connection only: two loading halves of the time range at once would
    interleave their pages, and a table whose pages mix two years is one a
    BRIN index cannot help with, unlike a real log, which is appended in time
    order.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(pg_url()) as conn:
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
    with psycopg.connect(pg_url()) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '64MB'")
        conn.execute(_EVENTS_SQL, {**params, "from": 1, "to": count})
        conn.commit()
    timings["insert_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for _name, definition in indexes:
            conn.execute(definition)
    timings["indexes_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE audit_accessevent")
        conn.execute("ANALYZE")
        conn.execute("CHECKPOINT")
    os.sync()
    timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return timings
