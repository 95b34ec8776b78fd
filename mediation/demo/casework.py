"""Demo casework on top of the seeded cases: mediator profiles, partners, a session, a note.

Made through the same services staff use, so the demo shows real records
(encrypted, on the timeline, in the access log), not shortcuts.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from mediation.accounts.models import Community, User
from mediation.assignment.models import MediatorProfile
from mediation.cases.models import (
    CaseAssignment,
    Category,
    NoteKind,
    Partner,
    PartnerKind,
    Party,
    SessionFormat,
    Status,
)
from mediation.cases.note_services import note_add
from mediation.cases.session_services import SessionPlan, session_schedule

# username: (languages, kinds of dispute, usually free)
PROFILES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "mediator1": (
        ["en", "zh-hans"],
        [Category.NEIGHBOUR, Category.FAMILY],
        ["weekday_evenings", "weekend_mornings"],
    ),
    "mediator2": (
        ["en"],
        [Category.LANDLORD_TENANT, Category.CONSUMER, Category.WORKPLACE],
        ["weekday_mornings", "weekday_afternoons"],
    ),
    "mediator3": (["zh-hans"], list(Category.values), ["weekend_afternoons"]),
}

# slug, English name, Chinese name, kind, community slugs
PARTNERS = [
    (
        "riverside-legal-aid",
        "Riverside Legal Aid Clinic",
        "河畔法律援助站",
        PartnerKind.LEGAL_AID,
        ["riverside"],
    ),
    (
        "city-victim-support",
        "City Victim Support Service",
        "市被害人援助服务中心",
        PartnerKind.VICTIM_SUPPORT,
        ["riverside", "hillview"],
    ),
]


def load_casework(*, communities: dict[str, Community], coordinator: User) -> None:
    """Add profiles, partners, one upcoming session and one note (first run only)."""
    for username, (languages, categories, availability) in PROFILES.items():
        user = User.objects.get(username=username)
        MediatorProfile.objects.update_or_create(
            user=user,
            defaults={
                "languages": languages,
                "categories": [str(c) for c in categories],
                "availability": availability,
            },
        )
    for slug, name_en, name_zh, kind, served in PARTNERS:
        partner, _ = Partner.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh": name_zh,
                "kind": kind,
                "email": f"referrals@{slug}.example.org",
            },
        )
        partner.communities.set([communities[s] for s in served])
    _upcoming_session(coordinator)


def _upcoming_session(coordinator: User) -> None:
    """Arrange tomorrow evening's session on a case mediator1 leads, with a case note."""
    assignment = (
        CaseAssignment.objects.filter(
            mediator__username="mediator1",
            ended_at__isnull=True,
            case__status=Status.SESSIONS,
            case__community__in=coordinator.role_assignments.values("community"),
        )
        .select_related("case")
        .order_by("case__submitted_at")
        .first()
    )
    if assignment is None:
        return
    case = assignment.case
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    starts = tomorrow.replace(hour=18, minute=0, second=0, microsecond=0)
    requester = Party.objects.get(case=case, role="requester")
    session_schedule(
        user=coordinator,
        reference=case.reference,
        plan=SessionPlan(
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=90),
            format=SessionFormat.IN_PERSON,
            location="Riverside Community Centre, meeting room 2",
        ),
        party_ids=[requester.pk],
    )
    note_add(
        user=assignment.mediator,
        reference=case.reference,
        kind=NoteKind.SHARED,
        text="First meeting with the requester on their own; they prefer evenings.",
    )
