"""Bulk creation of realistic, fully encrypted cases for the demo and the benchmark.

Never used on real data: the callers refuse to run in production. Cases are
written in batches with bulk_create, each with its own data key and
encrypted fields, exactly as the services would write them, and each batch
records one access event per case created.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from mediation.accounts.models import Community, User
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Channel, Outcome, Purpose
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
from mediation.cases.models import Outcome as CaseOutcome
from mediation.cases.references import new_reference
from mediation.cases.services import Contact, case_build
from mediation.consent.models import ConsentMethod, ConsentRecord
from mediation.consent.notices import MEDIATION_NOTICE
from mediation.privacy.models import DataKey

_ASSIGNED_STATES = {
    Status.ASSIGNED,
    Status.SESSIONS,
    Status.AGREEMENT,
    Status.NO_AGREEMENT,
    Status.FOLLOW_UP,
    Status.CLOSED,
}

_STORIES_EN = {
    Category.NEIGHBOUR: [
        "My neighbour at {street} plays loud music after midnight most weekends. "
        "I have asked {name} twice to turn it down and it has made things worse.",
        "The tree on {name}'s side of the fence at {street} blocks our light and drops "
        "leaves into our gutter. We would like to agree who trims it.",
    ],
    Category.FAMILY: [
        "My brother {name} and I cannot agree on who looks after our mother at weekends. "
        "We have stopped speaking and she is upset.",
        "Since the separation, {name} and I argue at every handover of the children "
        "in {city}. We want a calmer arrangement.",
    ],
    Category.LANDLORD_TENANT: [
        "My landlord {name} has kept my deposit for the flat on {street}, saying the "
        "carpet was damaged. It was worn when I moved in.",
        "The boiler at {street} has been broken for three weeks and {name}, the letting "
        "agent, does not answer my calls.",
    ],
    Category.CONSUMER: [
        "I paid {name} for a sofa that arrived damaged. The shop in {city} refuses "
        "to collect it or give a refund.",
    ],
    Category.WORKPLACE: [
        "My supervisor {name} changes my shifts at a day's notice and I cannot arrange "
        "childcare. I want to keep my job and agree a fair rota.",
    ],
    Category.OTHER: [
        "A dispute with {name} about a shared parking space behind {street} has gone on "
        "for months.",
    ],
}

_STORIES_ZH = {
    Category.NEIGHBOUR: [
        "楼上邻居{name}每天晚上十二点以后还在装修，住在{street}的我们无法休息，多次沟通无果。",
        "{name}家在{street}楼道里堆放杂物，影响通行，也有消防隐患，希望调解。",
    ],
    Category.FAMILY: [
        "我和哥哥{name}因为照顾母亲的事情发生争吵，已经很久不说话了，母亲很伤心。",
        "离婚后我和{name}每次交接孩子都会吵架，希望在{city}找到更平和的安排。",
    ],
    Category.LANDLORD_TENANT: [
        "房东{name}以地板损坏为由扣留了{street}那套房子的押金，但我搬进去时地板就已经旧了。",
        "{street}的热水器坏了三个星期，中介{name}一直不接电话。",
    ],
    Category.CONSUMER: [
        "我在{city}的一家店买了沙发，送到时已经损坏，{name}拒绝退款。",
    ],
    Category.WORKPLACE: [
        "主管{name}经常提前一天才通知调班，我没法安排孩子，希望能商量一个合理的排班。",
    ],
    Category.OTHER: [
        "和{name}因为{street}后面的共用车位发生纠纷，已经好几个月了。",
    ],
}

# Most cases are settled or closed; a realistic spread for lists and the demo.
_STATUS_WEIGHTS = {
    Status.SUBMITTED: 12,
    Status.SCREENING: 8,
    Status.ASSIGNED: 10,
    Status.SESSIONS: 12,
    Status.AGREEMENT: 8,
    Status.NO_AGREEMENT: 4,
    Status.WITHDRAWN: 4,
    Status.FOLLOW_UP: 10,
    Status.CLOSED: 32,
}


# How closed cases ended, roughly as centres report it.
_CLOSED_OUTCOMES = [
    CaseOutcome.AGREEMENT_HELD,
    CaseOutcome.AGREEMENT_NOT_HELD,
    CaseOutcome.NO_AGREEMENT,
    CaseOutcome.WITHDRAWN,
    CaseOutcome.DECLINED,
    CaseOutcome.OTHER_PARTY_DECLINED,
]
_CLOSED_WEIGHTS = [40, 8, 15, 12, 10, 15]


@dataclass(frozen=True)
class SeedStaff:
    """Who the seeded cases are assigned to, per community id."""

    mediators_by_community: Mapping[int, Sequence[User]]


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.fakers = {"en": Faker("en_GB"), "zh-hans": Faker("zh_CN")}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)

    def story(self, category: Category, language: str) -> str:
        faker = self.fakers[language]
        stories = _STORIES_ZH if language == "zh-hans" else _STORIES_EN
        template = self.rng.choice(stories[category])
        return template.format(name=faker.name(), street=faker.street_name(), city=faker.city())

    def contact(self, language: str) -> Contact:
        faker = self.fakers[language]
        channel = self.rng.choices(
            [ContactChannel.EMAIL, ContactChannel.PHONE, ContactChannel.NONE], [5, 4, 1]
        )[0]
        detail = {
            ContactChannel.EMAIL: faker.email(),
            ContactChannel.PHONE: faker.phone_number(),
            ContactChannel.NONE: "",
        }[channel]
        return Contact(channel=channel, detail=detail)


def seed_cases(
    *,
    communities: Sequence[Community],
    staff: SeedStaff,
    count: int,
    seed: int = 2026,
    batch_size: int = 2000,
    days_back: int = 720,
) -> int:
    """Create ``count`` encrypted cases spread over ``communities``; return how many."""
    writer = _Writer(seed)
    now = timezone.now()
    statuses = list(_STATUS_WEIGHTS)
    weights = list(_STATUS_WEIGHTS.values())
    seen_references: set[str] = set(Case.objects.values_list("reference", flat=True))
    actor = Actor.system("seed")
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        keys, cases, parties, consents, assignments, events = [], [], [], [], [], []
        for _ in range(size):
            community = writer.rng.choice(communities)
            category = writer.rng.choice(list(Category))
            status = writer.rng.choices(statuses, weights)[0]
            language = writer.rng.choice(["en", "zh-hans"])
            submitted = now - timedelta(minutes=writer.rng.randint(0, days_back * 24 * 60))
            reference = new_reference()
            while reference in seen_references:
                reference = new_reference()
            seen_references.add(reference)
            new = case_build(
                community=community,
                category=category,
                description=writer.story(category, language),
                requester_contact=writer.contact(language),
                intake_channel=writer.rng.choices(list(IntakeChannel), [6, 2, 1, 1])[0],
            )
            # Seeding writes history: cases in the states they would have reached.
            case, party, data_key = new.case, new.requester, new.data_key
            case.reference = reference
            case.status = status
            case.submitted_at = submitted
            if status == Status.CLOSED:
                case.outcome = writer.rng.choices(_CLOSED_OUTCOMES, _CLOSED_WEIGHTS)[0]
                case.closed_at = min(now, submitted + timedelta(days=writer.rng.randint(20, 200)))
            keys.append(data_key)
            cases.append(case)
            parties.append(party)
            consents.append(
                ConsentRecord(
                    party_id=party.id,
                    purpose=MEDIATION_NOTICE.purpose,
                    given=True,
                    notice_version=MEDIATION_NOTICE.version,
                    notice_digest=MEDIATION_NOTICE.digest(language),
                    language=language,
                    method=ConsentMethod.WEB_FORM,
                    recorded_at=submitted,
                )
            )
            mediators = staff.mediators_by_community.get(community.pk) or []
            if status in _ASSIGNED_STATES and mediators:
                assignments.append(
                    CaseAssignment(
                        case=case,
                        mediator=writer.rng.choice(list(mediators)),
                        role=AssignmentRole.LEAD,
                        assigned_at=submitted + timedelta(days=writer.rng.randint(1, 10)),
                        case_in_progress=status not in FINISHED_STATUSES,
                    )
                )
            events.append(
                AccessEvent(
                    actor_type=actor.type,
                    actor_id=actor.id,
                    action=Action.CREATE,
                    outcome=Outcome.SUCCESS,
                    object_type="case",
                    object_id=str(case.id),
                    community_id=community.pk,
                    purpose=Purpose.INTAKE,
                    channel=Channel.COMMAND,
                )
            )
        with transaction.atomic():
            DataKey.objects.bulk_create(keys)
            Case.objects.bulk_create(cases)
            Party.objects.bulk_create(parties)
            ConsentRecord.objects.bulk_create(consents)
            CaseAssignment.objects.bulk_create(assignments)
            AccessEvent.objects.bulk_create(events)
        created += size
    return created
