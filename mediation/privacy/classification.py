"""How personal data is classified: the types of the data inventory, and shared entries.

See ``mediation.privacy.inventory`` for the inventory itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LegalBasis(StrEnum):
    CONSENT = "consent, GDPR Art. 6(1)(a); explicit consent for special categories, Art. 9(2)(a)"
    PUBLIC_TASK = "task in the public interest, GDPR Art. 6(1)(e)"
    CONTRACT = "staff contract, GDPR Art. 6(1)(b)"
    LEGAL_OBLIGATION = "legal obligation (accountability), GDPR Art. 6(1)(c) and 5(2)"
    LEGITIMATE_INTERESTS = "legitimate interests (security of the service), GDPR Art. 6(1)(f)"


class Retention(StrEnum):
    CASE = "with the case: anonymised on the retention schedule after closure"
    STAFF_ACCOUNT = "while the staff account exists"
    SESSION = "until the session expires (12 hours at most)"
    ADMIN_HISTORY = "with the admin history (administrators' changes to configuration)"
    ACCESS_LOG = (
        "access log retention (MEDIATION_ACCESS_LOG_RETENTION_YEARS, 6 by default); "
        "removed only behind an exported signed checkpoint"
    )
    KEY = "until the case is erased (crypto-shredding deletes it)"
    DSR = "the register of data subject requests: 3 years after the answer (accountability)"
    DRAFT = "until sent, abandoned on quick exit, or 60 minutes without activity"
    DECLARATION = "until the mediator removes it, or their staff account is deleted"
    SIGN_IN_ATTEMPTS = (
        "until the lockout cool-off after the last failure has passed (15 minutes by "
        "default), or the next successful sign-in"
    )


class Subject(StrEnum):
    REQUESTER = "requester"
    OTHER_PARTY = "other party"
    EACH_PARTY = "each party, their own record"
    STAFF = "staff member"
    ACQUAINTANCE = "a person a mediator declared they know"


class Audience(StrEnum):
    COORDINATOR = "coordinators of the case's community"
    MEDIATOR = "mediators assigned to the case"
    THE_PERSON = "the person themselves (status page, access export)"
    ADMINISTRATOR = "administrators"
    THE_STAFF_MEMBER = "the staff member"
    STAFF_COORDINATORS = "coordinators of the staff member's communities"
    PRIVACY_OFFICER = "privacy officers of the community"
    SCREENER = "the staff member who did the screening"


CASE_TEAM = (Audience.COORDINATOR, Audience.MEDIATOR, Audience.THE_PERSON)


@dataclass(frozen=True)
class Personal:
    purpose: str
    legal_basis: LegalBasis
    retention: Retention
    subject: Subject
    visible_to: tuple[Audience, ...]
    # Empty when the field is encrypted per case; otherwise why it cannot be,
    # and how it is minimised instead.
    unencrypted_because: str = ""


@dataclass(frozen=True)
class Pseudonymous:
    purpose: str
    retention: Retention


@dataclass(frozen=True)
class NotPersonal:
    note: str = ""


Classification = Personal | Pseudonymous | NotPersonal

ID = NotPersonal("random or sequential identifier")
CONFIG = NotPersonal("configuration")
AXES_NOT_RECORDED = NotPersonal(
    "always empty: django-axes is given no client address, user agent or Accept header "
    "(mediation.accounts.lockout; tested)"
)
AXES_UNUSED = NotPersonal(
    "table left empty: the access and failure logs of django-axes are switched off "
    "(AXES_DISABLE_ACCESS_LOG, AXES_ENABLE_ACCESS_FAILURE_LOG; tested)"
)


def otp_device(**fields: Classification) -> dict[str, Classification]:
    """Return the classification of django-otp's common device fields, plus ``fields``."""
    return {
        "id": ID,
        "user": Pseudonymous("whose second sign-in factor this is", Retention.STAFF_ACCOUNT),
        "name": NotPersonal("a fixed label ('authenticator app', 'recovery codes')"),
        "confirmed": CONFIG,
        "throttling_failure_timestamp": Pseudonymous(
            "pausing the device after wrong codes", Retention.STAFF_ACCOUNT
        ),
        "throttling_failure_count": Pseudonymous(
            "pausing the device after wrong codes", Retention.STAFF_ACCOUNT
        ),
        "created_at": Pseudonymous("when two-factor sign-in was set up", Retention.STAFF_ACCOUNT),
        "last_used_at": Pseudonymous(
            "security: spotting dormant or misused accounts", Retention.STAFF_ACCOUNT
        ),
        **fields,
    }


def axes_access(**fields: Classification) -> dict[str, Classification]:
    """Return the classification of django-axes' common access fields, plus ``fields``."""
    return {
        "id": ID,
        "user_agent": AXES_NOT_RECORDED,
        "ip_address": AXES_NOT_RECORDED,
        "http_accept": AXES_NOT_RECORDED,
        "path_info": NotPersonal("which sign-in page was used"),
        **fields,
    }


CASE_META = Retention.CASE


def mediator_profile_field(purpose: str) -> Personal:
    return Personal(
        purpose=purpose,
        legal_basis=LegalBasis.CONTRACT,
        retention=Retention.STAFF_ACCOUNT,
        subject=Subject.STAFF,
        visible_to=(Audience.STAFF_COORDINATORS, Audience.THE_STAFF_MEMBER),
        unencrypted_because=(
            "a staff member's work profile as codes, not case data; read for every suggestion"
        ),
    )
