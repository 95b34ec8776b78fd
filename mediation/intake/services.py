"""A resident's request for mediation, received through the public form."""

from __future__ import annotations

from django.db import transaction

from mediation.accounts.models import Community
from mediation.audit.actors import Actor
from mediation.audit.models import Action, Purpose
from mediation.audit.services import access_event_record
from mediation.cases.models import Case, Category, IntakeChannel
from mediation.cases.services import Contact, case_open
from mediation.consent.models import ConsentMethod
from mediation.consent.notices import MEDIATION_NOTICE
from mediation.consent.services import consent_record


class ConsentRequired(ValueError):
    """A request cannot be processed without consent to processing it."""


def request_submit(
    *,
    community: Community,
    category: Category,
    description: str,
    contact: Contact,
    language: str,
    consents_to_mediation: bool,
) -> Case:
    """Open a case from the public form, record the consent, log the submission."""
    if not consents_to_mediation:
        raise ConsentRequired
    with transaction.atomic():
        case, requester = case_open(
            community=community,
            category=category,
            description=description,
            requester_contact=contact,
            intake_channel=IntakeChannel.WEB,
        )
        consent_record(
            party_id=requester.pk,
            notice=MEDIATION_NOTICE,
            given=True,
            language=language,
            method=ConsentMethod.WEB_FORM,
        )
        access_event_record(
            actor=Actor.anonymous(),
            action=Action.CREATE,
            object_type="case",
            object_id=case.pk,
            purpose=Purpose.INTAKE,
            community_id=community.pk,
        )
    return case
