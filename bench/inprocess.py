"""In-process measurements of the staff pages against the benchmark database.

Run as ``python -m bench.inprocess --username ...`` with the benchmark's
environment. Uses django.test.Client with the coordinator force-logged-in and
verified (``verified_client``):

- SQL queries per page (CaptureQueriesContext), each page requested once to warm
  up and once more with the queries captured, and its median time over a few
  more requests: the case list at each page size, case pages, the triage queue
  (plain and filtered), and the casework pages of a case that ``bench.casework``
  gave sessions, notes, an agreement and follow-ups (``casework_references``),
  as the coordinator and as that case's lead mediator;
- where the case list's time goes: the whole page against the selector alone
  (roles, access event, the page of cases and their assignments), at each page
  size, and the share of profiled time spent rendering templates.

Prints one JSON line, with the effective settings the app ran with
(``--settings-only``: only those).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")


PAGE_REPEAT = 10
# A slow page is timed fewer times: a run at 1,000,000 cases has pages of seconds.
PAGE_BUDGET_SECONDS = 2.0


def _captured(
    client: Any, path: str, group: str = "", who: str = "coordinator", repeat: int = 0
) -> dict[str, object]:
    """Request ``path``: once to warm up, once counting queries, ``repeat`` times timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm-up: first-use costs are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    page: dict[str, object] = {
        "group": group,
        "who": who,
        "path": path,
        "status": response.status_code,
        "queries": len(captured),
        "sql_ms": sum(float(query["time"]) for query in captured.captured_queries) * 1000,
        "sql": [query["sql"][:300] for query in captured.captured_queries],
    }
    if repeat:
        page["median_ms"] = _median_ms(lambda: client.get(path), repeat, PAGE_BUDGET_SECONDS)
    return page


def _median_ms(action: Callable[[], object], repeat: int, budget: float | None = None) -> float:
    """Median time of ``repeat`` calls after 3 unmeasured ones; with a ``budget`` in
    seconds, fewer (at least 3) once the measured calls have taken that long."""
    for _ in range(3):
        action()
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
        if budget is not None and len(samples) >= 3 and sum(samples) > budget:
            break
    return statistics.median(samples) * 1000


def _template_share(client: Any, path: str, repeat: int) -> float:
    """Return the fraction of a profiled request spent rendering its template."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, function): (cc, nc, tt, ct, callers)}
    total = rendering = 0.0
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        if filename.endswith("django/core/handlers/base.py") and function == "get_response":
            total = max(total, cumulative)
        if filename.endswith("django/template/backends/django.py") and function == "render":
            rendering = max(rendering, cumulative)
    return rendering / total if total else 0.0


def list_breakdown(
    client: Any, username: str, page_sizes: list[int], repeat: int
) -> dict[str, object]:
    """Time the case list page against its selector alone, per page size."""
    from mediation.accounts.models import User
    from mediation.audit.context import audit_context
    from mediation.audit.models import Channel
    from mediation.cases.selectors import case_list_for_user

    user = User.objects.get(username=username)
    rows = []
    for size in page_sizes:

        def selector(size: int = size) -> None:
            with audit_context(channel=Channel.WEB):
                list(case_list_for_user(user=user)[: size + 1])

        page_ms = _median_ms(lambda size=size: client.get(f"/cases/?per_page={size}"), repeat)
        selector_ms = _median_ms(selector, repeat)
        rows.append((size, page_ms, selector_ms))
    (small, small_ms, _), (large, large_ms, _) = rows[0], rows[-1]
    return {
        "repeat": repeat,
        "pages": [
            {"per_page": size, "page_ms": page, "selector_ms": sel, "rest_ms": page - sel}
            for size, page, sel in rows
        ],
        "ms_per_row": (large_ms - small_ms) / (large - small) if large > small else 0.0,
        "template_share_of_list_page": _template_share(client, "/cases/", 20),
    }


def settings_snapshot() -> dict[str, object]:
    """Return the settings that matter for the figures, as the app sees them."""
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    return {
        "django": django.get_version(),
        "MEDIATION_ENV": settings.MEDIATION_ENV,
        "DEBUG": settings.DEBUG,
        "MEDIATION_BENCH_MODE": settings.MEDIATION_BENCH_MODE,
        "MEDIATION_REQUEST_FORM_RATE": settings.MEDIATION_REQUEST_FORM_RATE,
        "MEDIATION_STATUS_CLIENT_RATE": settings.MEDIATION_STATUS_CLIENT_RATE,
        "MEDIATION_STATUS_REFERENCE_RATE": settings.MEDIATION_STATUS_REFERENCE_RATE,
        "MEDIATION_RESIDENT_IDLE_SECONDS": settings.MEDIATION_RESIDENT_IDLE_SECONDS,
        "DATABASE_ENGINE": database["ENGINE"],
        "CONN_MAX_AGE": database.get("CONN_MAX_AGE"),
        "CONN_HEALTH_CHECKS": database.get("CONN_HEALTH_CHECKS"),
        "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
        "SESSION_ENGINE": settings.SESSION_ENGINE,
        "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
        "PASSWORD_HASHER": settings.PASSWORD_HASHERS[0],
        "STATICFILES_STORAGE": settings.STORAGES["staticfiles"]["BACKEND"],
    }


def verified_client(username: str) -> Any:
    """Return a django.test.Client signed in as ``username`` with both steps.

    As the sign-in flow leaves the session: logged in, verified by the user's
    authenticator device (django-otp), stamped for the staff session timeouts.
    """
    from django.test import Client

    from mediation.accounts.models import User
    from mediation.accounts.otp import DEVICE_ID_SESSION_KEY, TOTPDevice
    from mediation.accounts.sessions import mark_signed_in

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise RuntimeError(f"{username} has no authenticator device (bench.seed staff makes one).")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    mark_signed_in(session)
    session.save()
    return client


TRIAGE_FILTERS = ("?per_page=200", "?safety=yes", "?category=family&channel=phone")


def casework_references(community_slug: str) -> dict[str, Any]:
    """Find the cases ``bench.casework`` worked on, and their lead mediator.

    The latest agreement of the community is on a case with sessions, notes and
    follow-ups; the oldest case in screening with an other party recorded and no
    mediator is the one for the assignment page.
    """
    from django.db.models import Exists, OuterRef

    from mediation.cases.models import Agreement, Case, CaseAssignment, PartyRole, Status

    agreement = (
        Agreement.objects.filter(case__community__slug=community_slug)
        .select_related("case")
        .order_by("-recorded_at")
        .first()
    )
    lead = (
        CaseAssignment.objects.filter(case=agreement.case, role="lead", ended_at__isnull=True)
        .select_related("mediator")
        .first()
        if agreement is not None
        else None
    )
    screening = (
        Case.objects.filter(
            community__slug=community_slug,
            status=Status.SCREENING,
            parties__role=PartyRole.OTHER_PARTY,
        )
        .exclude(Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)))
        .order_by("submitted_at")
        .first()
    )
    return {
        "casework": agreement.case.reference if agreement is not None else None,
        "copies": [str(copy.pk) for copy in agreement.copies.order_by("language")]
        if agreement is not None
        else [],
        "lead": lead.mediator.username if lead is not None else None,
        "screening": screening.reference if screening is not None else None,
    }


PDF_REPEAT = 3


def casework_pages(
    client: Any, lead_client: Any, found: dict[str, Any], repeat: int
) -> list[dict[str, object]]:
    """The casework pages of the case ``bench.casework`` worked on, and the queues.

    Also each party's agreement PDF as the server answers it (decrypting the terms,
    rendering, logging the download), timed over fewer requests.
    """
    pages = [
        _captured(client, "/cases/follow-ups/overdue/", "casework", repeat=repeat),
        _captured(client, "/assignment/", "casework", repeat=repeat),
    ]
    if found["screening"]:
        path = f"/assignment/cases/{found['screening']}/"
        pages.append(_captured(client, path, "casework", repeat=repeat))
    reference = found["casework"]
    if reference:
        for part in ("", "sessions/", "notes/", "agreement/", "follow-ups/", "screening/"):
            pages.append(_captured(client, f"/cases/{reference}/{part}", "casework", repeat=repeat))
        for copy in found["copies"]:
            path = f"/cases/{reference}/agreement/copies/{copy}.pdf"
            pages.append(_captured(client, path, "pdf", repeat=PDF_REPEAT))
    if lead_client is not None and reference:
        for path in (
            "/cases/",
            f"/cases/{reference}/",
            f"/cases/{reference}/notes/",
            f"/cases/{reference}/agreement/",
        ):
            pages.append(_captured(lead_client, path, "mediator", "lead mediator", repeat))
    return pages


def measure(
    username: str, page_sizes: list[int], references: list[str], community: str
) -> dict[str, object]:
    import django

    django.setup()
    client = verified_client(username)
    lists = [_captured(client, f"/cases/?per_page={size}") for size in page_sizes]
    details = [_captured(client, f"/cases/{reference}/") for reference in references]
    triage = [
        _captured(client, f"/cases/triage/{query}", "triage", repeat=PAGE_REPEAT)
        for query in ("", *TRIAGE_FILTERS)
    ]
    found = casework_references(community)
    lead_client = verified_client(found["lead"]) if found["lead"] else None
    casework = casework_pages(client, lead_client, found, PAGE_REPEAT)
    breakdown = list_breakdown(client, username, page_sizes, repeat=30)
    if references:
        breakdown["detail_page_ms"] = _median_ms(lambda: client.get(f"/cases/{references[0]}/"), 30)
    return {
        "list": lists,
        "detail": details,
        "pages": triage + casework,
        "casework_references": found,
        "breakdown": breakdown,
        "settings": settings_snapshot(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--username")
    parser.add_argument("--page-sizes", default="5,50,200")
    parser.add_argument("--references", default="", help="comma-separated case references")
    parser.add_argument("--community", default="riverside", help="the coordinator's community")
    parser.add_argument("--settings-only", action="store_true", help="print the settings only")
    args = parser.parse_args()
    if args.settings_only:
        import django

        django.setup()
        print(json.dumps({"settings": settings_snapshot()}))
        return
    if not args.username:
        parser.error("--username is required")
    sizes = [int(size) for size in args.page_sizes.split(",") if size]
    references = [ref for ref in args.references.split(",") if ref]
    print(json.dumps(measure(args.username, sizes, references, args.community)))


if __name__ == "__main__":
    main()
