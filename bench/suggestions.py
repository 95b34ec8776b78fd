"""Assignment suggestions for a community of 500 mediators: p50 and p95 over 200 calls.

    .venv/bin/python -m bench.suggestions                      # throwaway SQLite file
    .venv/bin/python -m bench.suggestions --database-url postgres://postgres@127.0.0.1:5432/x

Runs on a database of its own: Django's test database machinery creates it
(``var/bench/suggestions.sqlite3``, or ``test_<name>`` on the PostgreSQL
server given) and drops it afterwards, so no real data is touched. Seeds one
community with ``--mediators`` mediators (profiles with varied languages,
kinds of dispute, availability and limits; 20 declared acquaintances each),
``--cases`` encrypted cases assigned among them for load, a second community
as noise, and one case in screening with a named other party and an unnamed
requester (the usual case: "cannot check" for everyone, one real conflict).

Times, after a warm-up, ``assignment_suggestions(case, limit=10)`` (what the
target "< 50 ms for 500 mediators" is about) and the whole
``assignment_page`` selector the page calls (scope, access event, suggestions,
history). Writes the figures to ``var/bench/suggestions.json`` under the
database vendor and prints them; with ``--out FILE`` (as `make bench` runs it, on
PostgreSQL) to that file alone, printing them as one JSON line. Not a test: a
measurement to keep.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
SQLITE_FILE = OUT_DIR / "suggestions.sqlite3"
DECLARATIONS_EACH = 20
NOISE_MEDIATORS = 100


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mediators", type=int, default=500)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--cases", type=int, default=3000, help="cases seeded for load")
    parser.add_argument("--database-url", default="", help="PostgreSQL server (default SQLite)")
    parser.add_argument(
        "--out", type=Path, default=None, help="write the figures here alone (make bench)"
    )
    return parser.parse_args()


def _configure(database_url: str) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{SQLITE_FILE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
    import django

    django.setup()
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, like the real thing (an in-memory database would flatter the figures).
        database.setdefault("TEST", {})["NAME"] = str(SQLITE_FILE)


def _seed(mediators: int, cases: int) -> tuple[Any, Any]:
    """Seed the database; return the coordinator and the case to suggest mediators for."""
    from django.db import transaction

    from mediation.accounts.models import Community, Role, RoleAssignment, User
    from mediation.assignment.conflicts import name_hash
    from mediation.assignment.models import (
        Availability,
        ConflictDeclaration,
        Language,
        MediatorProfile,
    )
    from mediation.cases.models import Category, ContactChannel, IntakeChannel, Status
    from mediation.cases.services import Contact, case_open, party_add_other
    from mediation.cases.workflow import case_transition

    rng = random.Random(2026)
    centre = Community.objects.create(slug="bench-centre", name_en="Centre", name_zh="中心")
    elsewhere = Community.objects.create(slug="bench-elsewhere", name_en="Else", name_zh="别处")
    coordinator = User.objects.create(username="bench-coordinator")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, community=centre)

    def _mediators(community: Any, count: int, prefix: str) -> list[Any]:
        unusable = "!"  # no password can match it: nobody signs in as these
        User.objects.bulk_create(
            User(username=f"{prefix}-{number:05d}", password=unusable) for number in range(count)
        )
        users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=Role.MEDIATOR, community=community) for user in users
        )
        MediatorProfile.objects.bulk_create(
            MediatorProfile(
                user=user,
                languages=sorted(rng.sample(Language.values, rng.randint(1, len(Language.values)))),
                categories=sorted(rng.sample(Category.values, rng.randint(1, 3))),
                availability=sorted(rng.sample(Availability.values, rng.randint(0, 4))),
                max_active_cases=rng.randint(3, 8),
                is_available=rng.random() < 0.9,
            )
            for user in users
        )
        ConflictDeclaration.objects.bulk_create(
            ConflictDeclaration(mediator=user, name_hash=name_hash(f"{user.username} friend {n}"))
            for user in users
            for n in range(DECLARATIONS_EACH)
        )
        return users

    with transaction.atomic():
        members = _mediators(centre, mediators, "bench-mediator")
        _mediators(elsewhere, NOISE_MEDIATORS, "bench-noise")
    _seed_load(centre, members, cases, rng)
    with transaction.atomic():
        case, _requester = case_open(
            community=centre,
            category=Category.FAMILY,
            description="Benchmark case.",
            requester_contact=Contact(channel=ContactChannel.NONE),
            intake_channel=IntakeChannel.WEB,
            language="zh-hans",
        )
        party_add_other(case=case, identity="Wang Fang", contact_json="{}")
        ConflictDeclaration.objects.create(mediator=members[7], name_hash=name_hash("wang fang"))
    case_transition(user=coordinator, reference=case.reference, target=Status.SCREENING)
    return coordinator, case


def _seed_load(community: Any, mediators: list[Any], count: int, rng: random.Random) -> None:
    """Create ``count`` encrypted cases in a spread of statuses, most with a lead mediator.

    Built with ``case_build`` (the one constructor of encrypted cases) and
    bulk-inserted; no consent records or access events, which the
    suggestions never read.
    """
    from django.db import transaction

    from mediation.cases.models import (
        FINISHED_STATUSES,
        AssignmentRole,
        Case,
        CaseAssignment,
        Category,
        ContactChannel,
        IntakeChannel,
        Party,
        Status,
    )
    from mediation.cases.references import new_reference
    from mediation.cases.services import Contact, case_build
    from mediation.privacy.models import DataKey

    statuses = [s for s in Status.values if s != Status.SUBMITTED]
    keys, cases, parties, assignments = [], [], [], []
    for _ in range(count):
        new = case_build(
            community=community,
            category=rng.choice(Category.values),
            description="Load for the benchmark.",
            requester_contact=Contact(channel=ContactChannel.NONE),
            intake_channel=IntakeChannel.WEB,
        )
        new.case.reference = new_reference()
        new.case.status = rng.choice(statuses)  # seeded history, as cases.seeding does
        keys.append(new.data_key)
        cases.append(new.case)
        parties.append(new.requester)
        if new.case.status != Status.SCREENING:
            lead, co = rng.sample(mediators, 2)
            is_open = new.case.status not in FINISHED_STATUSES
            assignments.append(
                CaseAssignment(
                    case=new.case, mediator=lead, role=AssignmentRole.LEAD, case_in_progress=is_open
                )
            )
            if rng.random() < 0.3:
                assignments.append(
                    CaseAssignment(
                        case=new.case, mediator=co, role=AssignmentRole.CO, case_in_progress=is_open
                    )
                )
    with transaction.atomic():
        DataKey.objects.bulk_create(keys)
        Case.objects.bulk_create(cases)
        Party.objects.bulk_create(parties)
        CaseAssignment.objects.bulk_create(assignments)


def _timed(action: Callable[[], object], calls: int) -> dict[str, float]:
    for _ in range(10):
        action()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    centiles = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(centiles[94], 2),
        "max_ms": round(max(samples), 2),
    }


def _queries(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def _measure(coordinator: Any, case: Any, calls: int) -> dict[str, Any]:
    from mediation.assignment.selectors import assignment_page
    from mediation.assignment.suggestions import assignment_suggestions
    from mediation.audit.context import audit_context
    from mediation.audit.models import Channel

    def suggestions() -> object:
        return assignment_suggestions(case=case, limit=10)

    def page() -> object:
        with audit_context(channel=Channel.COMMAND):
            # A fresh user object per call, as each request has: no cached roles.
            coordinator.__dict__.pop("_mediation_staff_scope", None)
            return assignment_page(user=coordinator, reference=case.reference)

    shown, candidates = suggestions()  # type: ignore[misc]
    return {
        "candidates": candidates,
        "shown": len(shown),
        "conflicts_found": sum(
            1 for s in assignment_suggestions(case=case, limit=None)[0] if s.conflict == "conflict"
        ),
        "suggestions": {**_timed(suggestions, calls), "queries": _queries(suggestions)},
        "page_selector": {**_timed(page, calls), "queries": _queries(page)},
    }


def main() -> None:
    arguments = _arguments()
    _configure(arguments.database_url)
    import django
    from django.db import connection

    database = connection.settings_dict["ENGINE"].rsplit(".", 1)[-1]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        coordinator, case = _seed(arguments.mediators, arguments.cases)
        seeded_s = time.perf_counter() - started
        figures = _measure(coordinator, case, arguments.calls)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "mediators": arguments.mediators,
        "cases_seeded": arguments.cases,
        "declarations_each": DECLARATIONS_EACH,
        "calls": arguments.calls,
        "seed_seconds": round(seeded_s, 1),
        "target": "assignment_suggestions p95 < 50 ms for 500 mediators",
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        # Other work on the machine slows every figure: the 1-minute load when done.
        "load_average": round(os.getloadavg()[0], 2),
        **figures,
    }
    if arguments.out is not None:
        arguments.out.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result))
        return
    path = OUT_DIR / "suggestions.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    kept[database] = result
    path.write_text(json.dumps(kept, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
