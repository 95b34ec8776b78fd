"""Direct PostgreSQL and Redis access for the orchestrator (no Django in this process)."""

from __future__ import annotations

import os

import psycopg
import redis
from psycopg import sql

from bench.config import DB_NAME, PG_ADMIN_URL, REDIS_DB

BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def recreate_database() -> None:
    """Drop the benchmark database (closing its connections) and create it empty."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def server_version() -> str:
    with psycopg.connect(PG_ADMIN_URL) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


SERVER_SETTINGS = ("autovacuum", "fsync", "synchronous_commit", "shared_buffers")


def server_settings() -> dict[str, str]:
    """Return the PostgreSQL settings that shape the figures (a machine's, not the project's)."""
    with psycopg.connect(PG_ADMIN_URL) as conn:
        return {
            name: str(conn.execute("SELECT current_setting(%s)", (name,)).fetchone()[0])
            for name in SERVER_SETTINGS
        }


def _scalar(query: str) -> int:
    with psycopg.connect(BENCH_URL) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def count_cases() -> int:
    return _scalar("SELECT count(*) FROM cases_case")


def count_access_events() -> int:
    return _scalar("SELECT count(*) FROM audit_accessevent")


def count_sessions() -> int:
    return _scalar("SELECT count(*) FROM django_session")


def other_commits() -> int:
    """Return the transactions committed so far in this server's other databases.

    Other work on the same PostgreSQL (a test suite, say) competes for the CPUs
    and for WAL flushes; the difference across a phase shows whether there was any.
    The admin database is left out: the benchmark itself connects there.
    """
    with psycopg.connect(PG_ADMIN_URL) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database "
            "WHERE datname IS NOT NULL AND datname NOT IN (%s, 'postgres')",
            (DB_NAME,),
        ).fetchone()
    return int(row[0]) if row else 0


def settle_after_bulk_load() -> None:
    """Refresh planner statistics, as autovacuum soon would, and flush the load to disk.

    Without the CHECKPOINT and sync, the kernel writes back a bulk load's hundreds
    of megabytes while the next measurements run, and every commit waits longer.
    """
    with psycopg.connect(BENCH_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    os.sync()


def count_new_requests(community_slug: str) -> int:
    """Return the cases of a community waiting in its triage queue (status submitted)."""
    with psycopg.connect(BENCH_URL) as conn:
        row = conn.execute(
            "SELECT count(*) FROM cases_case c JOIN accounts_community m ON m.id = c.community_id "
            "WHERE m.slug = %s AND c.status = 'submitted'",
            (community_slug,),
        ).fetchone()
    return int(row[0]) if row else 0


def sample_references(community_slug: str, count: int) -> list[str]:
    """Return ``count`` random case references from one community."""
    with psycopg.connect(BENCH_URL) as conn:
        rows = conn.execute(
            "SELECT c.reference FROM cases_case c "
            "JOIN accounts_community m ON m.id = c.community_id "
            "WHERE m.slug = %s ORDER BY random() LIMIT %s",
            (community_slug, count),
        ).fetchall()
    return [str(row[0]) for row in rows]


def database_size() -> str:
    with psycopg.connect(BENCH_URL) as conn:
        row = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
    return str(row[0]) if row else "unknown"


def redis_client() -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)


def redis_reset() -> None:
    """Empty the benchmark's own Redis database (throttle counters of earlier runs)."""
    redis_client().flushdb()


def redis_version() -> str:
    info = redis_client().info("server")
    return str(info.get("redis_version", "unknown"))
