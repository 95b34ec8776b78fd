"""Set-up shared by the agreement, PDF and follow-up tests.

Cases are brought to sessions through the real workflow service; the other
party is added with the real service and given Chinese as their language.
"""

from __future__ import annotations

import datetime
import json

from django.db import transaction
from django.utils import timezone

from mediation.cases.agreement_services import CopyTerms, agreement_record
from mediation.cases.models import (
    Agreement,
    AssignmentRole,
    Case,
    CaseAssignment,
    Party,
    PartyRole,
    Status,
)
from mediation.cases.services import party_add_other
from mediation.cases.workflow import case_transition
from tests.conftest import Cast

ENGLISH_TERMS = "1. Music stops at 10 pm on weekdays.\n\n2. The requester pays half of the repair."
CHINESE_TERMS = "一、工作日晚上十点以后不再播放音乐。\n\n二、申请人承担一半的维修费用。"


def bring_to_sessions(cast: Cast, case: Case | None = None) -> Case:
    """Give the case an other party (Chinese-speaking) and move it to sessions.

    A case without a lead mediator gets ``other_mediator`` as its lead.
    """
    case = case or cast.assigned_case
    if not case.assignments.filter(role=AssignmentRole.LEAD, ended_at__isnull=True).exists():
        CaseAssignment.objects.create(
            case=case, mediator=cast.other_mediator, role=AssignmentRole.LEAD
        )
    with transaction.atomic():
        party_add_other(
            case=case,
            identity="The family in the flat above",
            contact_json=json.dumps({"approach": "centre", "detail": "+44 20 7946 0000"}),
        )
    Party.objects.filter(case=case, role=PartyRole.REQUESTER).update(language="en")
    Party.objects.filter(case=case, role=PartyRole.OTHER_PARTY).update(language="zh-hans")
    for target in (Status.SCREENING, Status.ASSIGNED, Status.SESSIONS):
        case_transition(user=cast.coordinator, reference=case.reference, target=target)
    case.refresh_from_db()
    return case


def parties(case: Case) -> tuple[Party, Party]:
    """Return the requester and the other party of ``case``."""
    return (
        case.parties.get(role=PartyRole.REQUESTER),
        case.parties.get(role=PartyRole.OTHER_PARTY),
    )


def form_data(case: Case, *, english: str = ENGLISH_TERMS, chinese: str = CHINESE_TERMS) -> dict:
    requester, other = parties(case)
    return {
        f"language_{requester.pk.hex}": "en",
        f"terms_{requester.pk.hex}": english,
        f"language_{other.pk.hex}": "zh-hans",
        f"terms_{other.pk.hex}": chinese,
    }


def write_agreement(cast: Cast, case: Case) -> Agreement:
    """Record an agreement with the real service, as the case's mediator."""
    requester, other = parties(case)
    return agreement_record(
        user=cast.mediator,
        reference=case.reference,
        copies=[
            CopyTerms(party_id=requester.pk, language="en", terms=ENGLISH_TERMS),
            CopyTerms(party_id=other.pk, language="zh-hans", terms=CHINESE_TERMS),
        ],
    )


def move(cast: Cast, case: Case, *targets: str) -> None:
    for target in targets:
        case_transition(user=cast.coordinator, reference=case.reference, target=target)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
