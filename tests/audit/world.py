"""A case with every part of the casework, made through the services, for the access-log tests.

``build_world(cast, text)`` writes ``text`` into every free-text field it
fills (the other party, the session's place, a note, the agreement's terms,
a break-glass reason), so a test can look for it where it must never be.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.test import Client

from mediation.accounts.models import Role, User
from mediation.audit.context import audit_context
from mediation.audit.models import BreakGlassAccess, Channel
from mediation.cases.agreement_services import CopyTerms, agreement_record
from mediation.cases.break_glass import break_glass_open
from mediation.cases.calendar_services import calendar_feed_create
from mediation.cases.models import (
    AgreementCopy,
    Case,
    FollowUp,
    NoteKind,
    Partner,
    PartnerKind,
    Party,
    PartyRole,
    SafetyScreening,
    Session,
    Status,
)
from mediation.cases.note_services import note_add
from mediation.cases.screening_services import safety_screening_record
from mediation.cases.services import party_add_other, party_issue_status_code
from mediation.cases.workflow import case_transition
from mediation.consent.models import ConsentMethod, partner_scope
from mediation.consent.notices import REFERRAL_NOTICE
from mediation.consent.services import consent_record
from mediation.intake.status_views import SESSION_KEY
from tests.cases.casework import at, schedule
from tests.conftest import Cast
from tests.factories import staff_with_role

CALM_SCREENING = {
    "violence_ever": "no",
    "violence_recent": "no",
    "threats": "no",
    "intimidation": "no",
    "control_money": "no",
    "control_movement": "no",
    "control_contacts": "no",
    "sexual_coercion": "no",
    "weapons": "no",
    "fear": "0",
    "stalking": "no",
    "children": "no_children",
    "speak_freely": "yes",
}


@dataclass
class World:
    cast: Cast
    case: Case
    requester: Party
    other_party: Party
    screening: SafetyScreening
    session: Session
    copy: AgreementCopy
    follow_up: FollowUp
    partner: Partner
    break_glass: BreakGlassAccess
    status_code: str
    feed_token: str
    administrator: User

    @property
    def reference(self) -> str:
        return self.case.reference


def build_world(cast: Cast, text: str) -> World:
    """Bring ``cast.assigned_case`` to sessions with every part of the casework filled in."""
    case = Case.objects.select_related("data_key").get(pk=cast.assigned_case.pk)
    reference = case.reference
    with audit_context(channel=Channel.WEB):
        with transaction.atomic():
            other = party_add_other(
                case=case,
                identity=text,
                contact_json=json.dumps({"approach": "centre", "detail": text}),
            )
        requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
        case_transition(user=cast.coordinator, reference=reference, target=Status.SCREENING)
        screening = safety_screening_record(
            user=cast.coordinator,
            reference=reference,
            party_id=requester.pk,
            answers=CALM_SCREENING,
            decision="joint",
        )
        for target in (Status.ASSIGNED, Status.SESSIONS):
            case_transition(user=cast.coordinator, reference=reference, target=target)
        session = schedule(cast.mediator, case, at(3, 10), at(3, 11), location=text)
        note_add(user=cast.coordinator, reference=reference, kind=NoteKind.SHARED, text=text)
        agreement = agreement_record(
            user=cast.mediator,
            reference=reference,
            copies=[
                CopyTerms(party_id=requester.pk, language="en", terms=text),
                CopyTerms(party_id=other.pk, language="en", terms=text),
            ],
        )
        break_glass = break_glass_open(
            user=cast.outsider,
            reference=cast.unassigned_case.reference,
            reason=f"Covering for the coordinator who is away: {text}",
        )
        feed_token = calendar_feed_create(user=cast.mediator)
        with transaction.atomic():
            status_code = party_issue_status_code(party=requester)
    partner = Partner.objects.create(
        slug="riverside-legal-aid",
        name_en="Riverside Legal Aid",
        name_zh="河畔法律援助中心",
        kind=PartnerKind.LEGAL_AID,
        email="referrals@legal-aid.example.org",
    )
    partner.communities.add(cast.community)
    # The requester agreed to share with the partner: their status page can withdraw it.
    consent_record(
        party_id=requester.pk,
        notice=REFERRAL_NOTICE.naming(
            scope=partner_scope(partner.slug), names={"en": partner.name_en}
        ),
        given=True,
        language="en",
        method=ConsentMethod.VERBAL,
        recorded_by_id=cast.coordinator.pk,
    )
    administrator = staff_with_role(Role.ADMINISTRATOR, None, "administrator")
    User.objects.filter(pk=administrator.pk).update(is_staff=True, is_superuser=True)
    administrator.refresh_from_db()
    case.refresh_from_db()
    return World(
        cast=cast,
        case=case,
        requester=requester,
        other_party=other,
        screening=screening,
        session=session,
        copy=agreement.copies.get(party=requester),
        follow_up=agreement.follow_ups.order_by("due_on").first(),  # type: ignore[arg-type]
        partner=partner,
        break_glass=break_glass,
        status_code=status_code,
        feed_token=feed_token,
        administrator=administrator,
    )


def resident_client(world: World) -> Client:
    """Return a client signed in on the status page as the requester, as the form leaves it."""
    client = Client()
    response = client.post("/status/", {"reference": world.reference, "code": world.status_code})
    assert response.status_code == 302, response.content.decode()[:500]
    assert SESSION_KEY in client.session
    return client


def unused_id() -> str:
    return str(uuid.uuid4())
