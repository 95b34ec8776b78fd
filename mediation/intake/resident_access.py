"""Residents coming back with their case reference and status code.

One uniform failure for every way of failing (unknown reference, wrong code,
malformed input), the same work done in each case, every attempt logged.
Attempts are throttled per client and slowed per reference: past the
reference's budget, attempts are refused for a short while whoever makes
them, so nobody can guess at a reference, and nobody can lock a resident
out for longer than that while.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, ActorRole, ActorType, Outcome, Purpose
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.agreement_selectors import AGREEMENT_COPY
from mediation.cases.models import AgreementCopy, Case, Partner, Party, PartyRole
from mediation.cases.references import normalise as normalise_reference
from mediation.cases.selectors import parties_signing_in_with
from mediation.cases.services import party_issue_status_code
from mediation.cases.stages import Stage, resident_stage
from mediation.cases.status_codes import code_matches, hash_code
from mediation.compiled import CompiledQuery
from mediation.consent.models import ConsentPurpose, partner_scope, scope_partner
from mediation.consent.services import consent_in_force, consents_in_force, consents_in_force_all
from mediation.intake.notifications import can_email, send_status_code_email
from mediation.intake.self_service import resident_contact

# Compared against when the reference does not exist, so that the work done
# (and its time) does not depend on whether it does.
_UNUSED_HASH = hash_code("0" * 20)
PARTY_OBJECT_TYPE = "party"


def _role(party: Party) -> ActorRole:
    return ActorRole.REQUESTER if party.role == PartyRole.REQUESTER else ActorRole.OTHER_PARTY


# The queries every status check makes, compiled once (CompiledQuery, decision 0016).
_SIGNING_IN = CompiledQuery(
    lambda reference: parties_signing_in_with(reference)
    .select_related("case")
    .only("id", "case_id", "role", "status_code_hash", "case__id", "case__community_id")
)


def resident_verify(*, reference_text: str, code_text: str) -> Party | None:
    """Return the party whose reference and code these are, or None; log the attempt.

    A failure is logged as a refused view of the case (if it exists), a
    success as the party signing in.
    """
    reference = normalise_reference(reference_text)
    parties = _SIGNING_IN.fetch(reference) if reference else []
    holders = [party for party in parties if party.status_code_hash]
    match = None
    for party in holders:
        if code_matches(code_text, party.status_code_hash):
            match = party
    if not holders:
        code_matches(code_text, _UNUSED_HASH)
    if match is None:
        case = parties[0].case if parties else None
        access_event_record_refused(
            actor=Actor.anonymous(),
            action=Action.VIEW,
            object_type="case",
            object_id=case.pk if case else None,
            purpose=Purpose.SELF_SERVICE,
            community_id=case.community_id if case else None,
        )
        return None
    access_event_record(
        actor=Actor.resident(match.pk, _role(match)),
        action=Action.LOGIN,
        object_type=PARTY_OBJECT_TYPE,
        object_id=match.pk,
        purpose=Purpose.SELF_SERVICE,
        community_id=match.case.community_id,
    )
    return match


@dataclass(frozen=True)
class AccessLine:
    """One access to the case, as the resident may see it: who in coarse terms, and when."""

    when: object
    who: str
    action: str
    # What was looked at: the case, or this person's own copy of the agreement.
    what: str = "case"

    @property
    def label(self) -> str:
        return str(_WHO_LABELS[self.who])

    @property
    def what_label(self) -> str:
        return str(_WHAT_LABELS[self.what])


_WHO_LABELS = {
    "staff": _("Centre staff"),
    "you": _("You, with your status code"),
    "form": _("Your request was received"),
}
_WHAT_LABELS = {
    "case": _("Your case"),
    "agreement": _("Your copy of the agreement"),
}
# The stages at which a case can have an agreement (and its copies, logged per party).
_AGREEMENT_STAGES = frozenset({Stage.AGREEMENT, Stage.CLOSED})


@dataclass(frozen=True)
class ResidentView:
    party: Party
    case: Case
    stage: Stage
    accesses: list[AccessLine]
    consents: dict[str, bool]
    # The partner organisations this person consented to share with (consent still live).
    sharing_with: list[Partner]


_CASE_FIELDS = ("case__id", "case__reference", "case__status", "case__community_id")
_STATUS_PARTY = CompiledQuery(
    lambda party_id: Party.objects.select_related("case")
    .only("id", "case_id", "role", "reference", "status_code_hash", *_CASE_FIELDS)
    .filter(pk=party_id)[:1]
)


def resident_status(*, party_id: uuid.UUID) -> ResidentView | None:
    """Return what the resident may see of their case, and log the view."""
    # The page shows no field of the party's own (nothing encrypted is read).
    party = _STATUS_PARTY.first(party_id)
    if party is None or not party.status_code_hash:
        return None
    case = party.case
    # One INSERT on its own commits atomically: no explicit transaction needed.
    access_event_record(
        actor=Actor.resident(party.pk, _role(party)),
        action=Action.VIEW,
        object_type="case",
        object_id=case.pk,
        purpose=Purpose.SELF_SERVICE,
        community_id=case.community_id,
    )
    consents = consents_in_force_all(party_id=party.pk)
    stage = resident_stage(case.status)
    return ResidentView(
        party=party,
        case=case,
        stage=stage,
        accesses=_accesses(case, party, stage=stage),
        consents=consents.purposes,
        sharing_with=_partners(consents.scopes.get(ConsentPurpose.REFERRAL, [])),
    )


def sharing_partner(*, party: Party, partner_slug: str) -> Partner | None:
    """Return the partner if this party's consent to share with it is live, else None."""
    live = consent_in_force(
        party_id=party.pk, purpose=ConsentPurpose.REFERRAL, scope=partner_scope(partner_slug)
    )
    return Partner.objects.filter(slug=partner_slug).first() if live else None


def _partners(scopes: list[str]) -> list[Partner]:
    """Return the partners these consent scopes name (no query when there are none)."""
    slugs = [slug for slug in map(scope_partner, scopes) if slug]
    if not slugs:
        return []
    return list(
        Partner.objects.filter(slug__in=slugs).only("slug", "name_en", "name_zh").order_by("slug")
    )


def _access_events(case_id: str, own_copies: tuple[str, ...]) -> QuerySet[AccessEvent, Any]:
    looked_at = Q(object_type="case", object_id=case_id)
    if own_copies:
        looked_at |= Q(object_type=AGREEMENT_COPY, object_id__in=own_copies)
    return (
        AccessEvent.objects.filter(looked_at, outcome=Outcome.SUCCESS)
        .exclude(action=Action.LIST)
        .order_by("-occurred_at")
        .values("occurred_at", "actor_type", "actor_id", "action", "object_type")[:50]
    )


_ACCESS_EVENTS = CompiledQuery(_access_events)


def _accesses(case: Case, party: Party, *, stage: Stage) -> list[AccessLine]:
    """Accesses to the case and to this person's copies of the agreement, by coarse role
    and time; nothing that reveals a screening, nothing of the other party's copy."""
    own: tuple[str, ...] = ()
    if stage in _AGREEMENT_STAGES:
        copies = AgreementCopy.objects.filter(party=party).values_list("pk", flat=True)
        own = tuple(str(pk) for pk in copies)
    events = _ACCESS_EVENTS.fetch(str(case.pk), own)
    lines = []
    for event in events:
        if event["actor_type"] == ActorType.STAFF:
            who = "staff"
        elif event["actor_type"] == ActorType.RESIDENT and event["actor_id"] == str(party.pk):
            who = "you"
        elif event["actor_type"] == ActorType.ANONYMOUS and event["action"] == Action.CREATE:
            who = "form"
        else:
            # Other people's own views (the other party) are theirs, not shown here.
            continue
        what = "agreement" if event["object_type"] == AGREEMENT_COPY else "case"
        lines.append(
            AccessLine(when=event["occurred_at"], who=who, action=event["action"], what=what)
        )
    return lines


def resident_party(*, party_id: uuid.UUID) -> Party | None:
    """Return the signed-in resident's party with its case and key, or None if it is gone."""
    return (
        Party.objects.select_related("case", "case__data_key")
        .filter(pk=party_id)
        .exclude(status_code_hash="")
        .first()
    )


def resident_replace_code(*, reference_text: str, email_text: str) -> bool:
    """Send a new code to the party of this case whose consented email this is.

    Return whether one was sent. The caller answers the same either way. Only a
    party who agreed to be contacted by email, and whose address matches, gets
    a code; their old code stops working.
    """
    reference = normalise_reference(reference_text)
    parties = (
        list(parties_signing_in_with(reference).select_related("case", "case__data_key"))
        if reference
        else []
    )
    wanted = email_text.strip().casefold()
    for party in parties:
        contact = resident_contact(party=party)
        consented = consents_in_force(party_id=party.pk).get(ConsentPurpose.CONTACT, False)
        if can_email(contact, consented) and str(contact["detail"]).casefold() == wanted:
            with transaction.atomic():
                code = party_issue_status_code(party=party)
                access_event_record(
                    actor=Actor.anonymous(),
                    action=Action.UPDATE,
                    object_type="case",
                    object_id=party.case_id,
                    purpose=Purpose.SELF_SERVICE,
                    community_id=party.case.community_id,
                )
                send_status_code_email(
                    address=str(contact["detail"]),
                    reference=party.status_reference,
                    code=code,
                    language=party.language,
                )
            return True
    case = parties[0].case if parties else None
    access_event_record_refused(
        actor=Actor.anonymous(),
        action=Action.UPDATE,
        object_type="case",
        object_id=case.pk if case else None,
        purpose=Purpose.SELF_SERVICE,
        community_id=case.community_id if case else None,
    )
    return False
