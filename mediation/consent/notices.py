"""The consent notices shown to residents, versioned.

A notice's text never changes under the same version: change the text, add a
new version. Each consent record stores the version and a digest of the exact
text shown, in the language it was shown in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from mediation.consent.models import ConsentPurpose

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Notice:
    """A consent notice; one that names a partner is made from its template by ``naming``."""

    purpose: ConsentPurpose
    version: str
    text: _StrPromise
    # What the consent is limited to ("partner:<slug>"), and the partner's
    # name in each language the text can be read in, as (language, name).
    scope: str = ""
    names: tuple[tuple[str, str], ...] = ()

    def text_in(self, language: str) -> str:
        with override(language):
            text = str(self.text)
        if self.names:
            return text % {"partner": self.name_in(language)}
        return text

    def digest(self, language: str) -> str:
        return hashlib.sha256(self.text_in(language).encode("utf-8")).hexdigest()

    def name_in(self, language: str) -> str:
        """Return the partner's name in ``language``, or in English when it has none."""
        names = dict(self.names)
        base = language.lower().split("-")[0]
        for code, name in self.names:
            if code.lower().split("-")[0] == base and name:
                return name
        return names.get("en") or next(iter(names.values()), "")

    def naming(self, *, scope: str, names: Mapping[str, str]) -> Notice:
        """Return this notice about one partner: ``names`` maps a language to its name."""
        if not scope or not names:
            raise ValueError("A notice about a partner needs its scope and its name.")
        return replace(self, scope=scope, names=tuple(names.items()))


MEDIATION_NOTICE = Notice(
    purpose=ConsentPurpose.MEDIATION,
    version="mediation-2026-11",
    text=_(
        "The centre keeps what you tell us, encrypted, to arrange mediation. Only the "
        "coordinator and the mediators of your case can read it, every access is "
        "logged, and it is deleted after the case is closed."
    ),
)

CONTACT_NOTICE = Notice(
    purpose=ConsentPurpose.CONTACT,
    version="contact-2026-11",
    text=_(
        "The centre may contact you about your request in the way and at the times you "
        "chose, and in no other way."
    ),
)

STATISTICS_NOTICE = Notice(
    purpose=ConsentPurpose.STATISTICS,
    version="statistics-2026-11",
    text=_(
        "Your case may be counted, without anything that identifies you, in the centre's "
        "statistics on disputes and how they end."
    ),
)

# A template: ``REFERRAL_NOTICE.naming(...)`` gives the notice about one partner,
# its text naming the partner in the language it is read in. The digest of a
# consent is over that exact text.
REFERRAL_NOTICE = Notice(
    purpose=ConsentPurpose.REFERRAL,
    version="referral-2026-11",
    text=_(
        "With your agreement, the centre will send %(partner)s a short message so that "
        "they can help you: the kind of dispute, the language you prefer, how and when to "
        "contact you, and, only if you ask for it, the description of the dispute you gave "
        "us. Nothing else is sent: not your answers to the safety questions, and nothing "
        "about the other person. You may withdraw this agreement at any time by telling the "
        "centre; what was already sent cannot be recalled, and %(partner)s keeps it under "
        "its own rules."
    ),
)

CURRENT_NOTICES = {
    notice.purpose: notice for notice in (MEDIATION_NOTICE, CONTACT_NOTICE, STATISTICS_NOTICE)
}


@dataclass(frozen=True)
class InformationNotice:
    """A notice that informs without asking for consent (GDPR Art. 14), versioned."""

    version: str
    text: _StrPromise

    def text_in(self, language: str) -> str:
        with override(language):
            return str(self.text)


OTHER_PARTY_NOTICE = InformationNotice(
    version="other-party-2026-11",
    text=_(
        "Someone has asked the mediation centre for help with a disagreement they have "
        "with you. The centre holds what they told us about the disagreement, how they "
        "described you, and how to reach you if they gave it. We hold it only to offer "
        "you mediation, which is voluntary: you may say no, and the case then ends. Only "
        "the coordinator and the mediators of the case can read it, every access is "
        "logged, and it is deleted after the case is closed. If you take part you get "
        "your own reference and status code, to see what is held about you, to add your "
        "side, or to ask for it to be corrected or deleted."
    ),
)
