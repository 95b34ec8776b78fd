"""A resident's request for mediation: through the public form, or entered by staff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404

from mediation.accounts.models import Community, User
from mediation.accounts.selectors import StaffScope, staff_scope
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import (
    Case,
    Category,
    ContactChannel,
    IntakeChannel,
    Party,
    PartyRole,
)
from mediation.cases.services import Contact, case_open, party_add_other, party_issue_status_code
from mediation.consent.models import ConsentMethod
from mediation.consent.notices import CONTACT_NOTICE, MEDIATION_NOTICE, STATISTICS_NOTICE
from mediation.consent.services import consent_record


class ConsentRequired(ValueError):
    """A request cannot be processed without consent to processing it."""


@dataclass(frozen=True)
class RequestAnswers:
    """Everything the form asked, cleaned."""

    community: Community
    category: Category
    description: str
    other_party_identity: str
    other_party_approach: str
    other_party_contact: str
    contact: Contact
    language: str
    safety: dict[str, str]
    consents_to_mediation: bool
    consents_to_contact: bool
    consents_to_statistics: bool

    @property
    def safety_concern(self) -> bool:
        return "yes" in self.safety.values()


@dataclass(frozen=True)
class Submitted:
    case: Case
    status_code: str


@dataclass(frozen=True)
class StaffIntake:
    """Who entered a request for a resident (phone, walk-in, referral), and how it came."""

    staff_user_id: int
    channel: IntakeChannel


class StaffIntakeNotAvailable(Http404):
    """Only coordinators enter requests for residents (a 404 for anyone else)."""


def staff_intake_scope(*, user: User) -> StaffScope:
    """Return ``user``'s scope if they may enter requests; otherwise log and raise 404."""
    scope = staff_scope(user=user)
    if not scope.coordinator_of:
        access_event_record_refused(
            actor=Actor.staff(user.pk),
            action=Action.CREATE,
            object_type="case",
            object_id=None,
            purpose=Purpose.INTAKE,
        )
        raise StaffIntakeNotAvailable
    return scope


def request_submit(
    *, answers: RequestAnswers, shown_in: str, staff: StaffIntake | None = None
) -> Submitted:
    """Open a case, record each consent, log the submission.

    From the public form (``staff`` is None) consents are given on the web form;
    entered by staff they are verbal and record who took them. Returns the case
    and the requester's status code, which exists nowhere else: only its keyed
    hash is stored. ``shown_in`` is the language the notices were given in.
    """
    if not answers.consents_to_mediation:
        raise ConsentRequired
    contact = answers.contact
    if contact.channel != ContactChannel.NONE and not answers.consents_to_contact:
        # Without consent to contact, nobody may use the channel: keep none.
        contact = Contact(channel=ContactChannel.NONE)
    with transaction.atomic():
        case, requester = case_open(
            community=answers.community,
            category=answers.category,
            description=answers.description,
            requester_contact=contact,
            intake_channel=staff.channel if staff else IntakeChannel.WEB,
            language=answers.language,
            safety_answers=json.dumps(answers.safety),
            safety_flagged=answers.safety_concern,
        )
        party_add_other(
            case=case,
            identity=answers.other_party_identity,
            contact_json=json.dumps(
                {"approach": answers.other_party_approach, "detail": answers.other_party_contact},
                ensure_ascii=False,
            ),
        )
        status_code = party_issue_status_code(party=requester)
        for notice, given in (
            (MEDIATION_NOTICE, True),
            (CONTACT_NOTICE, answers.consents_to_contact),
            (STATISTICS_NOTICE, answers.consents_to_statistics),
        ):
            if notice is CONTACT_NOTICE and answers.contact.channel == ContactChannel.NONE:
                continue
            consent_record(
                party_id=requester.pk,
                notice=notice,
                given=given,
                language=shown_in,
                method=ConsentMethod.VERBAL if staff else ConsentMethod.WEB_FORM,
                recorded_by_id=staff.staff_user_id if staff else None,
            )
        access_event_record(
            actor=(
                Actor.staff(staff.staff_user_id, ActorRole.COORDINATOR)
                if staff
                else Actor.anonymous()
            ),
            action=Action.CREATE,
            object_type="case",
            object_id=case.pk,
            purpose=Purpose.INTAKE,
            community_id=answers.community.pk,
        )
    return Submitted(case=case, status_code=status_code)


def requester_new_code(*, case: Case, staff_user_id: int) -> str:
    """Issue the requester a new status code at the centre; the old one stops working."""
    requester = Party.objects.get(case=case, role=PartyRole.REQUESTER)
    with transaction.atomic():
        code = party_issue_status_code(party=requester)
        access_event_record(
            actor=Actor.staff(staff_user_id, ActorRole.COORDINATOR),
            action=Action.UPDATE,
            object_type="case",
            object_id=case.pk,
            purpose=Purpose.SELF_SERVICE,
            community_id=case.community_id,
        )
    return code


def answers_from_steps(stored: dict[str, dict[str, Any]]) -> RequestAnswers:
    """Build the answers from every step's cleaned data (a complete draft, or the staff form)."""
    contact = stored["contact"]
    other = stored["other-party"]
    consent = stored["consent"]
    return RequestAnswers(
        community=Community.objects.get(pk=stored["community"]["community"]),
        category=Category(stored["dispute"]["category"]),
        description=stored["what-happened"]["description"],
        other_party_identity=other.get("identity", ""),
        other_party_approach=other["approach"],
        other_party_contact=other.get("contact", ""),
        contact=Contact(
            channel=ContactChannel(contact["channel"]),
            detail=contact.get("detail", ""),
            times=tuple(contact.get("times", [])),
        ),
        language=stored["language"]["language"],
        safety=dict(stored["safety"]),
        consents_to_mediation=bool(consent.get("mediation")),
        consents_to_contact=bool(consent.get("contact")),
        consents_to_statistics=bool(consent.get("statistics")),
    )
