"""Timing the access log review: its selectors and pages, p50 and p95, the indexes used.

``measure`` times the review's selectors as the pages call them (reading,
resolving usernames and references, writing the reading's own event) and the
whole pages through Django's test client, for typical filters and a few that
are reported but not held to the target; ``bench.log_review`` runs it once the
database is loaded.
"""

from __future__ import annotations

import datetime
import re
import statistics
import sys
import time
from typing import Any

TARGET_MS = 200.0
WARM_UP = 3


def say(message: str) -> None:
    print(f"[log_review] {message}", file=sys.stderr, flush=True)


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
    say(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
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


def measure(world: dict[str, Any], runs: int) -> dict[str, Any]:
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
