"""Referring a party to a partner organisation: the one place that sends a packet.

A referral goes only on that party's consent to share with that partner,
holds only the items chosen from a fixed minimal list, and is recorded as
item codes and a digest of the exact text sent (decision 0013).
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.accounts.models import User
from mediation.audit.actors import Actor
from mediation.audit.models import Action, ActorRole, Purpose
from mediation.audit.models import Outcome as EventOutcome
from mediation.audit.services import access_event_record, access_event_record_refused
from mediation.cases.models import Case, EventKind, PacketLanguage, Partner, Referral
from mediation.cases.referral_packet import (
    Packet,
    ReferralRefused,
    packet_build,
    referral_subject,
)
from mediation.cases.selectors import OBJECT_TYPE, case_in_scope
from mediation.cases.workflow import timeline_record
from mediation.consent.models import ConsentMethod, ConsentPurpose, partner_scope
from mediation.consent.services import consent_in_force, consent_record, consent_withdraw

__all__ = ["REFERRAL_OBJECT_TYPE", "ReferralRefused", "referral_consent_withdraw", "referral_send"]

# A sent packet is logged against the referral, not the case: residents see
# the case's accesses on their status page, and the other party must not
# learn there that something left the centre (a referral to victim support
# or the police is exactly what someone who may be an abuser must not see).
REFERRAL_OBJECT_TYPE = "referral"


def _actor(user: User) -> Actor:
    return Actor.staff(user.pk, ActorRole.COORDINATOR)


def _refused(user: User, case: Case, outcome: EventOutcome = EventOutcome.REFUSED) -> None:
    access_event_record_refused(
        actor=_actor(user),
        action=Action.EXPORT,
        object_type=OBJECT_TYPE,
        object_id=case.pk,
        purpose=Purpose.TRIAGE,
        outcome=outcome,
        community_id=case.community_id,
    )


def referral_send(
    *,
    user: User,
    reference: str,
    party_id: uuid.UUID | str,
    partner_id: int | str,
    items: Iterable[str],
    consent_now: bool,
    language: str,
    expected_digest: str = "",
) -> Referral:
    """Send a referral packet about one party of the case to a partner; return the record.

    The party must have a consent in force to share with this partner, or
    ``consent_now`` records one now, verbal, taken by ``user`` after reading
    them the notice in ``language``. With ``expected_digest`` (the packet the
    coordinator checked), a packet that would now differ is refused. In one
    transaction: the consent, the referral (item codes and digest), a
    timeline event, an access event, and the email, last, so that a failed
    send records nothing. Raise ``CaseNotFound`` out of scope (a 404) and
    ``ReferralRefused`` otherwise; both are logged.
    """
    with transaction.atomic():
        case = case_in_scope(
            user=user,
            reference=reference,
            action=Action.EXPORT,
            purpose=Purpose.TRIAGE,
            coordinator_only=True,
            for_update=True,
        ).case
        try:
            subject = referral_subject(
                case=case, party_id=party_id, partner_id=partner_id, items=items
            )
            if consent_now:
                if language not in PacketLanguage.values:
                    raise ReferralRefused(_("Choose the language you read the notice in."))
                consent_record(
                    party_id=subject.party.pk,
                    notice=subject.notice,
                    given=True,
                    language=language,
                    method=ConsentMethod.VERBAL,
                    recorded_by_id=user.pk,
                )
            elif not consent_in_force(
                party_id=subject.party.pk, purpose=ConsentPurpose.REFERRAL, scope=subject.scope
            ):
                raise ReferralRefused(
                    _(
                        "They have not agreed to sharing with this partner organisation. "
                        "Read them the notice and record their agreement first."
                    )
                )
            now = timezone.now()
            packet = packet_build(subject, sent_on=timezone.localdate(now))
            if expected_digest and expected_digest != packet.digest:
                raise ReferralRefused(
                    _("What would be sent has changed since you checked it. Check it again.")
                )
        except ReferralRefused:
            _refused(user, case)
            raise
        referral = Referral.objects.create(
            id=uuid.uuid4(),
            case=case,
            party=subject.party,
            partner=subject.partner,
            shared=list(packet.items),
            packet_digest=packet.digest,
            sent_at=now,
            sent_by=user,
        )
        timeline_record(case=case, kind=EventKind.REFERRAL_SENT, user=user, subject_id=referral.pk)
        access_event_record(
            actor=_actor(user),
            action=Action.EXPORT,
            object_type=REFERRAL_OBJECT_TYPE,
            object_id=referral.pk,
            purpose=Purpose.TRIAGE,
            community_id=case.community_id,
        )
        _send(user, case, packet, subject.partner)
    return referral


def _send(user: User, case: Case, packet: Packet, partner: Partner) -> None:
    try:
        send_mail(packet.subject, packet.body, settings.DEFAULT_FROM_EMAIL, [partner.email])
    except (smtplib.SMTPException, OSError):
        _refused(user, case, EventOutcome.FAILED)
        # Not chained: the mail error may quote the address or the message.
        raise ReferralRefused(
            _("The email to the partner could not be sent, so nothing was recorded. Try again.")
        ) from None


def referral_consent_withdraw(
    *, user: User, reference: str, party_id: uuid.UUID | str, partner_id: int | str
) -> int:
    """Record that a party withdrew their consent to share with a partner; return how many.

    What was already sent stays recorded: it cannot be recalled.
    """
    with transaction.atomic():
        case = case_in_scope(
            user=user,
            reference=reference,
            action=Action.UPDATE,
            purpose=Purpose.TRIAGE,
            coordinator_only=True,
        ).case
        party_pk, partner_pk = _uuid(party_id), _int(partner_id)
        party = case.parties.filter(pk=party_pk).first() if party_pk else None
        partner = Partner.objects.filter(pk=partner_pk).first() if partner_pk else None
        withdrawn = 0
        if party is not None and partner is not None:
            withdrawn = consent_withdraw(
                party_id=party.pk,
                purpose=ConsentPurpose.REFERRAL,
                scope=partner_scope(partner.slug),
            )
        if not withdrawn:
            raise ReferralRefused(_("There is no consent in force to withdraw."))
        access_event_record(
            actor=_actor(user),
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=case.pk,
            purpose=Purpose.TRIAGE,
            community_id=case.community_id,
        )
    return withdrawn


def _uuid(value: uuid.UUID | str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _int(value: int | str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
