"""What a referral packet may hold, and the exact text sent to a partner organisation.

The packet is built from a fixed list of items (``ReferralItem``): the kind of
dispute always; the party's preferred language, how and when to contact
them, and the requester's own description of the dispute when chosen. Never
safety answers, notes, or anything of the other party. The same function
builds the preview the coordinator checks and the text that is sent, so what
they confirm is what goes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from mediation.cases.models import (
    Case,
    Category,
    ContactChannel,
    PacketLanguage,
    Partner,
    Party,
    PartyRole,
    ReferralItem,
    Status,
)
from mediation.consent.models import partner_scope
from mediation.consent.notices import REFERRAL_NOTICE, Notice
from mediation.privacy import fields
from mediation.privacy.crypto import CaseCipher

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# Items the coordinator chooses; the kind of dispute is always sent.
OPTIONAL_ITEMS = (ReferralItem.LANGUAGE, ReferralItem.CONTACT, ReferralItem.DESCRIPTION)
ITEM_ORDER = (ReferralItem.CATEGORY, *OPTIONAL_ITEMS)
SHAREABLE_CHANNELS = (ContactChannel.EMAIL, ContactChannel.PHONE)
# The same words as the contact question residents answer.
CONTACT_TIMES = {
    "any": _("Any time"),
    "mornings": _("Mornings"),
    "afternoons": _("Afternoons"),
    "evenings": _("Evenings"),
    "weekends": _("Weekends"),
}


class ReferralRefused(Exception):
    """The referral cannot be made as asked; ``message`` says why, for the coordinator."""

    def __init__(self, message: StrPromise | str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ReferralSubject:
    """Who is referred to whom, with which items: checked, not yet built."""

    case: Case
    party: Party
    partner: Partner
    items: tuple[str, ...]

    @property
    def scope(self) -> str:
        return partner_scope(self.partner.slug)

    @property
    def notice(self) -> Notice:
        return referral_notice(self.partner)


@dataclass(frozen=True)
class Packet:
    """The exact message for the partner, and the items it holds."""

    subject: str
    body: str
    items: tuple[str, ...]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def referral_notice(partner: Partner) -> Notice:
    """Return the consent notice naming ``partner``, in each language by its own name."""
    return REFERRAL_NOTICE.naming(
        scope=partner_scope(partner.slug),
        names={
            PacketLanguage.ENGLISH: partner.name_en,
            PacketLanguage.SIMPLIFIED_CHINESE: partner.name_zh or partner.name_en,
        },
    )


def partners_serving(case: Case) -> list[Partner]:
    """Return the partners taking referrals from the case's community, by short name."""
    return list(
        Partner.objects.filter(is_active=True, communities=case.community_id).order_by("slug")
    )


def referral_subject(
    *, case: Case, party_id: uuid.UUID | str, partner_id: int | str, items: Iterable[str]
) -> ReferralSubject:
    """Check the party, partner and items asked for; raise ``ReferralRefused`` if wrong."""
    if case.status == Status.CLOSED:
        raise ReferralRefused(_("The case is closed: nothing more can be sent from it."))
    party = _party(case, party_id)
    if party is None:
        raise ReferralRefused(_("Choose who is referred."))
    if party.role == PartyRole.OTHER_PARTY and party.notified_at is None:
        raise ReferralRefused(
            _("First tell the other party what is held about them (the other party page).")
        )
    partner = _partner(partner_id)
    if partner is None:
        raise ReferralRefused(_("Choose a partner organisation."))
    if not partner.is_active:
        raise ReferralRefused(_("That partner organisation is not taking referrals now."))
    if not partner.communities.filter(pk=case.community_id).exists():
        raise ReferralRefused(_("That partner organisation does not serve this community."))
    chosen = set(items)
    if not chosen <= set(ReferralItem.values):
        raise ReferralRefused(_("Choose only from the items listed."))
    if ReferralItem.DESCRIPTION in chosen and party.role != PartyRole.REQUESTER:
        raise ReferralRefused(
            _(
                "The description of the dispute is the requester's: it can be sent only "
                "in a referral of the requester."
            )
        )
    ordered = tuple(code for code in ITEM_ORDER if code in chosen or code == ReferralItem.CATEGORY)
    return ReferralSubject(case=case, party=party, partner=partner, items=ordered)


def packet_build(subject: ReferralSubject, *, sent_on: datetime.date) -> Packet:
    """Decrypt the chosen items and return the packet, in the partner's language.

    Raise ``ReferralRefused`` when a chosen item has nothing to send. The
    caller records the access (a preview is a view, a send an export).
    """
    case, party, partner = subject.case, subject.party, subject.partner
    cipher = CaseCipher.for_data_key(case.data_key)
    with override(partner.language or PacketLanguage.ENGLISH):
        lines = [
            (ReferralItem(code).label, _item_value(code, case, party, cipher))
            for code in subject.items
        ]
        context = {
            "centre": case.community.display_name(partner.language),
            "partner": partner.display_name(partner.language),
            "sent_on": sent_on,
            "lines": [(str(label), value) for label, value in lines],
        }
        title = render_to_string("cases/referrals/packet_subject.txt", context)
        body = render_to_string("cases/referrals/packet.txt", context)
    return Packet(subject=" ".join(title.split()), body=body, items=subject.items)


def _party(case: Case, party_id: uuid.UUID | str) -> Party | None:
    try:
        pk = uuid.UUID(str(party_id))
    except ValueError:
        return None
    return case.parties.filter(pk=pk).first()


def _partner(partner_id: int | str) -> Partner | None:
    try:
        pk = int(partner_id)
    except (TypeError, ValueError):
        return None
    return Partner.objects.filter(pk=pk).first()


def _item_value(code: str, case: Case, party: Party, cipher: CaseCipher) -> str:
    if code == ReferralItem.CATEGORY:
        return str(Category(case.category).label)
    if code == ReferralItem.LANGUAGE:
        if party.language not in PacketLanguage.values:
            raise ReferralRefused(
                _("Their preferred language is not recorded, so it cannot be sent.")
            )
        return str(PacketLanguage(party.language).label)
    if code == ReferralItem.CONTACT:
        return _contact(party, cipher)
    if code == ReferralItem.DESCRIPTION:
        description = (fields.decrypt(case, "description", cipher) or "").strip()
        if not description:
            raise ReferralRefused(_("There is no description of the dispute to send."))
        return description
    raise ReferralRefused(_("Choose only from the items listed."))


def _contact(party: Party, cipher: CaseCipher) -> str:
    # Only the party's own choice of channel: for the other party, how the
    # requester described reaching them is the requester's account, not theirs.
    contact = json.loads(fields.decrypt(party, "contact", cipher) or "{}")
    channel, detail = contact.get("channel", ""), str(contact.get("detail", "")).strip()
    if channel not in SHAREABLE_CHANNELS or not detail:
        raise ReferralRefused(
            _("They have not chosen a way to be contacted, so there is no contact to send.")
        )
    times = [str(CONTACT_TIMES[time]) for time in contact.get("times", []) if time in CONTACT_TIMES]
    value = f"{ContactChannel(channel).label}: {detail}"
    if times:
        value += "\n" + str(_("Safe and convenient times: %(times)s")) % {"times": ", ".join(times)}
    return value
