"""Casework on a few seeded cases, through the services staff use, for the casework pages.

Run as ``python -m bench.casework --cases N --seed S`` with the benchmark's
environment (see ``config.django_env``); prints one JSON line. The seeder
writes cases in the state they reached, with no sessions, notes, agreements or
follow-ups: the pages that show those would be empty. So at each size this
takes ``N`` cases of the coordinator's community that are in sessions with a
bench mediator as lead, and for each, as a coordinator and the lead mediator
would: records the other party, arranges two sessions for both parties (a
week or more ahead, never overlapping the mediator's other bookings), adds two
case notes and a caucus note, writes the agreement (a copy per party, in
English and Chinese), moves the case to "agreement reached", then to
follow-up. Its first follow-up is then dated a week ago (bench data: the
service only schedules ahead), so the coordinator's overdue list has rows.
It also records the other party of one case in screening with no mediator yet,
for the assignment page, and gives the bench mediators profiles (languages,
kinds of dispute, availability) for its suggestions.

``bench.inprocess`` finds these cases again (``casework_references``), so a
reused database needs no record of them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import time
from typing import Any

from bench.config import COMMUNITIES, COORDINATOR, MEDIATORS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

TERMS = {
    "en": "1. No music after 10 pm on weekdays and 11 pm at weekends.\n\n"
    "2. The stairway is checked together on the first Saturday of each month.",
    "zh-hans": "一、工作日晚上十点以后、周末晚上十一点以后不再播放音乐。\n\n"
    "二、双方每月第一个星期六共同检查楼道。",
}


def _profiles() -> None:
    from mediation.accounts.models import User
    from mediation.assignment.models import Availability, Language, MediatorProfile
    from mediation.cases.models import Category

    for number, (username, _community) in enumerate(MEDIATORS):
        MediatorProfile.objects.update_or_create(
            user=User.objects.get(username=username),
            defaults={
                "languages": sorted(Language.values)[: 1 + number % len(Language.values)],
                "categories": sorted(Category.values)[number : number + 3],
                "availability": sorted(Availability.values)[:2],
            },
        )


def _free_start(mediator_ids: list[int], index: int) -> datetime.datetime:
    """A start a week or more ahead, after every booking of these mediators."""
    from django.db.models import Max
    from django.utils import timezone

    from mediation.cases.models import SessionMediator

    latest = SessionMediator.objects.filter(mediator_id__in=mediator_ids).aggregate(
        last=Max("ends_at")
    )["last"]
    start = timezone.localtime() + datetime.timedelta(days=7)
    if latest is not None and latest > start:
        start = timezone.localtime(latest)
    start += datetime.timedelta(hours=2 + index)
    return start.replace(minute=0, second=0, microsecond=0)


def _one_case(case: Any, coordinator: Any, lead: Any) -> None:
    from django.utils import timezone

    from mediation.cases.agreement_services import CopyTerms, agreement_record
    from mediation.cases.models import FollowUp, NoteKind, PartyRole, SessionFormat, Status
    from mediation.cases.note_services import note_add
    from mediation.cases.services import party_add_other
    from mediation.cases.session_services import SessionPlan, session_schedule
    from mediation.cases.workflow import case_transition

    party_add_other(
        case=case,
        identity="Wang Fang",
        contact_json=json.dumps({"approach": "phone", "detail": "0123 456 7890"}),
    )
    parties = {party.role: party.pk for party in case.parties.all()}
    for index in range(2):
        starts = _free_start([lead.pk], index)
        session_schedule(
            user=coordinator,
            reference=case.reference,
            plan=SessionPlan(
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=90),
                format=SessionFormat.IN_PERSON,
                location="Riverside Community Centre, meeting room 2",
            ),
            party_ids=list(parties.values()),
        )
    for text in ("Both prefer evenings.", "The other party asked for an interpreter."):
        note_add(user=lead, reference=case.reference, kind=NoteKind.SHARED, text=text)
    note_add(
        user=lead,
        reference=case.reference,
        kind=NoteKind.CAUCUS,
        text="Worried about the cost of the repair.",
        party_id=parties[PartyRole.REQUESTER],
    )
    agreement_record(
        user=lead,
        reference=case.reference,
        copies=[
            CopyTerms(party_id=party_id, language=language, terms=TERMS[language])
            for party_id, language in zip(parties.values(), ("en", "zh-hans"), strict=False)
        ],
    )
    case_transition(user=lead, reference=case.reference, target=Status.AGREEMENT)
    case_transition(user=lead, reference=case.reference, target=Status.FOLLOW_UP)
    first = FollowUp.objects.filter(case=case).order_by("due_on").first()
    if first is not None:
        FollowUp.objects.filter(pk=first.pk).update(
            due_on=timezone.localdate() - datetime.timedelta(days=7)
        )


def create(count: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    from mediation.accounts.models import User
    from mediation.audit.context import audit_context
    from mediation.audit.models import Channel
    from mediation.cases.models import (
        AssignmentRole,
        Case,
        CaseAssignment,
        PartyRole,
        Status,
    )
    from mediation.cases.services import party_add_other

    community = COMMUNITIES[0][0]
    coordinator = User.objects.get(username=COORDINATOR)
    ours = [name for name, slug in MEDIATORS if slug == community]
    leads = list(
        CaseAssignment.objects.filter(
            role=AssignmentRole.LEAD,
            ended_at__isnull=True,
            mediator__username__in=ours,
            case__community__slug=community,
            case__status=Status.SESSIONS,
            case__sessions__isnull=True,
        )
        .select_related("case", "mediator")
        .order_by("case__submitted_at")[: count * 20]
    )
    chosen = random.Random(seed).sample(leads, min(count, len(leads)))
    with audit_context(channel=Channel.COMMAND):
        _profiles()
        for assignment in chosen:
            with transaction.atomic():
                _one_case(assignment.case, coordinator, assignment.mediator)
        screening = (
            Case.objects.filter(community__slug=community, status=Status.SCREENING)
            .exclude(
                Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True))
            )
            .exclude(parties__role=PartyRole.OTHER_PARTY)
            .order_by("submitted_at")
            .first()
        )
        if screening is not None:
            party_add_other(case=screening, identity="Li Wei", contact_json="{}")
    return {
        "cases": [assignment.case.reference for assignment in chosen],
        "screening": screening.reference if screening is not None else None,
        "process_seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(json.dumps(create(args.cases, args.seed)))


if __name__ == "__main__":
    main()
