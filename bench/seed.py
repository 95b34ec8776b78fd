"""Seed the benchmark database: staff and communities, then encrypted cases in bulk.

Run as ``python -m bench.seed staff --password ...``, ``python -m bench.seed cases
--count N --seed S`` or ``python -m bench.seed residents --count N --seed S --out
FILE`` with the benchmark's environment (see ``config.django_env``); each prints
one JSON line. ``seed_parallel`` runs several ``cases`` processes at once from the
orchestrator, which needs no Django of its own.

The seeded cases' requesters have no status code. ``residents`` gives ``count``
of them one (drawn from a seeded RNG: benchmark data, not secrets), stores only
its keyed hash as the service does, and writes the references and codes to
``FILE`` (under the git-ignored bench/out/) for the load clients to sign in with.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.config import COMMUNITIES, COORDINATOR, MEDIATORS, PYTHON, ROOT, django_env


def _setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
    django.setup()


def create_staff(password: str) -> dict[str, object]:
    """Create the communities, the coordinator and the mediators (once); set the password.

    Each gets a confirmed authenticator device (TOTP), as if they had enrolled,
    so that the load client can sign in with both steps. The result carries each
    device's key and parameters for that (``totp``): the orchestrator keeps them
    in memory, like the password, and never writes them to the results.
    """
    _setup_django()
    from django.db import transaction

    from mediation.accounts import services, two_factor
    from mediation.accounts.models import Community, Role, RoleAssignment, User
    from mediation.audit.actors import Actor

    totp: dict[str, dict[str, object]] = {}
    with transaction.atomic():
        communities = {}
        for slug, name_en, name_zh in COMMUNITIES:
            communities[slug], _ = Community.objects.get_or_create(
                slug=slug, defaults={"name_en": name_en, "name_zh": name_zh}
            )
        staff = [(COORDINATOR, Role.COORDINATOR, COMMUNITIES[0][0])]
        staff += [(name, Role.MEDIATOR, slug) for name, slug in MEDIATORS]
        for username, role, slug in staff:
            # The run's password, also for staff a reused database already has.
            user, _created = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.save()
            RoleAssignment.objects.get_or_create(user=user, role=role, community=communities[slug])
            device = two_factor.totp_device(user) or services.totp_device_create_confirmed(
                user=user, actor=Actor.system("bench")
            )
            totp[username] = {
                "key": device.key,
                "step": device.step,
                "t0": device.t0,
                "digits": device.digits,
                "drift": device.drift,
            }
    return {"communities": {slug: c.pk for slug, c in communities.items()}, "totp": totp}


def create_cases(count: int, seed: int, batch_size: int) -> dict[str, object]:
    """Seed ``count`` cases with ``mediation.cases.seeding.seed_cases``; return timings."""
    started = time.perf_counter()
    _setup_django()
    from mediation.accounts.models import Community, Role, RoleAssignment
    from mediation.cases.seeding import SeedStaff, seed_cases

    communities = list(Community.objects.filter(slug__in=[slug for slug, *_ in COMMUNITIES]))
    mediators: dict[int, list] = {}
    for assignment in RoleAssignment.objects.filter(role=Role.MEDIATOR).select_related("user"):
        mediators.setdefault(assignment.community_id, []).append(assignment.user)
    ready = time.perf_counter()
    created = seed_cases(
        communities=communities,
        staff=SeedStaff(mediators_by_community=mediators),
        count=count,
        seed=seed,
        batch_size=batch_size,
    )
    done = time.perf_counter()
    return {
        "created": created,
        "seed_seconds": done - ready,
        "process_seconds": done - started,
    }


def create_status_residents(count: int, seed: int, out: Path) -> dict[str, object]:
    """Give ``count`` requesters without a code a known one; write them to ``out``.

    Requesters who already have a code (chosen at an earlier size, or who sent the
    form during the run) are left alone, so each size gets residents of its own.
    The pick is by party id, which is random (uuid4): both communities, all stages.
    """
    started = time.perf_counter()
    _setup_django()
    from mediation.cases.models import Party, PartyRole
    from mediation.cases.status_codes import ALPHABET, LENGTH, hash_code

    rng = random.Random(seed)
    chosen = list(
        Party.objects.filter(role=PartyRole.REQUESTER, status_code_hash="")
        .order_by("id")
        .values_list("id", "case__reference")[:count]
    )
    residents, parties = [], []
    for party_id, reference in chosen:
        code = "".join(rng.choice(ALPHABET) for _ in range(LENGTH))
        residents.append([reference, code])
        parties.append(Party(id=party_id, status_code_hash=hash_code(code)))
    Party.objects.bulk_update(parties, ["status_code_hash"], batch_size=1000)
    out.write_text(json.dumps({"residents": residents}))
    return {
        "count": len(residents),
        "asked": count,
        "file": str(out),
        "process_seconds": time.perf_counter() - started,
    }


def seed_parallel(count: int, seed: int, processes: int, batch_size: int) -> dict[str, Any]:
    """Seed ``count`` cases split over ``processes`` processes; return wall time and rate."""
    shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [
                *(PYTHON, "-m", "bench.seed", "cases", "--count", str(share)),
                *("--seed", str(seed + 1000 * i), "--batch-size", str(batch_size)),
            ],
            cwd=ROOT,
            env=django_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, share in enumerate(shares)
        if share
    ]
    parts = []
    failed = False
    # A guard against a hung child, not a target: 1,000,000 cases take minutes.
    timeout = max(900.0, count / 100)
    for child in children:
        out, _ = child.communicate(timeout=timeout)
        failed = failed or child.returncode != 0
        if child.returncode == 0:
            parts.append(json.loads(out.strip().splitlines()[-1]))
    if failed:
        raise RuntimeError("A seeding process failed (see its output above).")
    wall = time.perf_counter() - started
    created = sum(int(part["created"]) for part in parts)
    return {
        "count": created,
        "processes": len(children),
        "wall_seconds": wall,
        "cases_per_second": created / wall if wall else 0.0,
        "parts": parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    staff = sub.add_parser("staff")
    staff.add_argument("--password", required=True)
    cases = sub.add_parser("cases")
    cases.add_argument("--count", type=int, required=True)
    cases.add_argument("--seed", type=int, default=2026)
    cases.add_argument("--batch-size", type=int, default=2000)
    residents = sub.add_parser("residents")
    residents.add_argument("--count", type=int, required=True)
    residents.add_argument("--seed", type=int, default=2026)
    residents.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "staff":
        result = create_staff(args.password)
    elif args.command == "residents":
        result = create_status_residents(args.count, args.seed, args.out)
    else:
        result = create_cases(args.count, args.seed, args.batch_size)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
