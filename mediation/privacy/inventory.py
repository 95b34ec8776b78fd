"""The data inventory: every field of every model, classified once.

Three classes:

- ``Personal``: identifies or describes a person (contact details, what they
  told us, a staff login). Declares purpose, legal basis, retention, whose data
  it is and who may see it. Our own personal fields must be encrypted per case,
  or carry a stated reason why they cannot be (a login name must be looked up).
- ``Pseudonymous``: codes, dates and random ids that are about a person only
  through a case or party id (a case's category, a consent flag). Not
  encrypted, so lists and statistics need no decryption; kept and removed
  with the case.
- ``NotPersonal``: configuration and plumbing.

``tests/privacy/test_inventory.py`` fails when a model field is missing here,
when an entry names a field that no longer exists, and when one of our
personal fields is neither encrypted nor exempted.
docs/record-of-processing.md is generated from this file
(``manage.py inventory_report``).
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
    ACCESS_LOG = "access log retention (years, configurable); whole partitions only"
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


def _otp_device(**fields: Classification) -> dict[str, Classification]:
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


def _axes_access(**fields: Classification) -> dict[str, Classification]:
    """Return the classification of django-axes' common access fields, plus ``fields``."""
    return {
        "id": ID,
        "user_agent": AXES_NOT_RECORDED,
        "ip_address": AXES_NOT_RECORDED,
        "http_accept": AXES_NOT_RECORDED,
        "path_info": NotPersonal("which sign-in page was used"),
        **fields,
    }


_CASE_META = Retention.CASE


def _mediator_profile_field(purpose: str) -> Personal:
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


INVENTORY: dict[str, dict[str, Classification]] = {
    # ---- our models -------------------------------------------------------
    "accounts.Community": {
        "id": ID,
        "slug": CONFIG,
        "name_en": CONFIG,
        "name_zh": CONFIG,
        "is_accepting_requests": CONFIG,
    },
    "accounts.User": {
        "id": ID,
        "password": Personal(
            purpose="staff sign-in (Argon2 hash only)",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(),
            unencrypted_because="a one-way password hash, never readable",
        ),
        "last_login": Personal(
            purpose="security: spotting dormant or misused accounts",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.ADMINISTRATOR,),
            unencrypted_because="staff account data, not case data; shown to administrators",
        ),
        "is_superuser": CONFIG,
        "username": Personal(
            purpose="staff sign-in and showing who is assigned to a case",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.COORDINATOR, Audience.MEDIATOR, Audience.ADMINISTRATOR),
            unencrypted_because="looked up by equality at sign-in; a work handle, not a name",
        ),
        "email": Personal(
            purpose="reaching staff about their work (assignments, reminders)",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.ADMINISTRATOR, Audience.THE_STAFF_MEMBER),
            unencrypted_because="staff work address, used to send notifications",
        ),
        "is_staff": CONFIG,
        "is_active": CONFIG,
        "date_joined": Personal(
            purpose="account administration",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.ADMINISTRATOR,),
            unencrypted_because="staff account data, not case data",
        ),
        "groups": CONFIG,
        "user_permissions": CONFIG,
        "session_generation": NotPersonal("a counter raised to end all the user's sessions"),
    },
    "accounts.RoleAssignment": {
        "id": ID,
        "user": CONFIG,
        "role": CONFIG,
        "community": CONFIG,
        "created_at": CONFIG,
    },
    "audit.AccessEvent": {
        "id": ID,
        "occurred_at": Pseudonymous("accountability: when", Retention.ACCESS_LOG),
        "actor_type": Pseudonymous("accountability: what kind of actor", Retention.ACCESS_LOG),
        "actor_id": Pseudonymous(
            "accountability: which user, party or token", Retention.ACCESS_LOG
        ),
        "actor_role": Pseudonymous("accountability: in which role", Retention.ACCESS_LOG),
        "action": Pseudonymous("accountability: what was done", Retention.ACCESS_LOG),
        "outcome": Pseudonymous("accountability: allowed or refused", Retention.ACCESS_LOG),
        "object_type": Pseudonymous("accountability: to what", Retention.ACCESS_LOG),
        "object_id": Pseudonymous("accountability: to which object", Retention.ACCESS_LOG),
        "community_id": Pseudonymous("accountability: review by community", Retention.ACCESS_LOG),
        "purpose": Pseudonymous("accountability: why", Retention.ACCESS_LOG),
        "channel": Pseudonymous("accountability: through which path", Retention.ACCESS_LOG),
        "request_id": Pseudonymous("accountability: events of one request", Retention.ACCESS_LOG),
        "break_glass_id": Pseudonymous(
            "accountability: the break-glass access an event was made under", Retention.ACCESS_LOG
        ),
    },
    "audit.BreakGlassAccess": {
        "id": ID,
        "user": Pseudonymous("accountability: who broke the glass", Retention.ACCESS_LOG),
        "case_id": Pseudonymous("accountability: which case", Retention.ACCESS_LOG),
        "community_id": Pseudonymous(
            "review by the community's privacy officer", Retention.ACCESS_LOG
        ),
        "data_key": NotPersonal("link to the record's own encryption key"),
        "reason": Personal(
            purpose="accountability: why a case was read beyond the usual scope",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.ACCESS_LOG,
            subject=Subject.STAFF,
            visible_to=(Audience.PRIVACY_OFFICER,),
        ),
        "granted_at": Pseudonymous("accountability: when", Retention.ACCESS_LOG),
        "expires_at": Pseudonymous("how long the access lasted", Retention.ACCESS_LOG),
        "decision": Pseudonymous("the reviewer's decision", Retention.ACCESS_LOG),
        "reviewed_by": Pseudonymous("who reviewed it", Retention.ACCESS_LOG),
        "reviewed_at": Pseudonymous("when it was reviewed", Retention.ACCESS_LOG),
    },
    "privacy.DataKey": {
        "id": ID,
        "master_key_id": NotPersonal("fingerprint of a master key"),
        "wrapped_key": NotPersonal("key material, itself encrypted by a master key"),
        "created_at": Pseudonymous("key management", Retention.KEY),
    },
    "privacy.DataSubjectRequest": {
        "id": ID,
        "party_id": Pseudonymous("whose request", Retention.DSR),
        "case_id": Pseudonymous("which case it concerns", Retention.DSR),
        "community_id": Pseudonymous("which centre must answer", Retention.DSR),
        "kind": Pseudonymous("erasure or access", Retention.DSR),
        "state": Pseudonymous("whether it was answered", Retention.DSR),
        "received_at": Pseudonymous("when it was received", Retention.DSR),
        "due_by": Pseudonymous("the legal deadline (one month)", Retention.DSR),
    },
    "consent.ConsentRecord": {
        "id": ID,
        "party_id": Pseudonymous("whose consent", _CASE_META),
        "purpose": Pseudonymous("what the consent is for", _CASE_META),
        "given": Pseudonymous("the answer", _CASE_META),
        "notice_version": Pseudonymous("which notice text was shown", _CASE_META),
        "notice_digest": Pseudonymous("proof of the exact text shown", _CASE_META),
        "language": Pseudonymous("language the notice was shown in", _CASE_META),
        "method": Pseudonymous("web form or verbal", _CASE_META),
        "recorded_by_id": Pseudonymous("staff member who recorded a verbal consent", _CASE_META),
        "scope": Pseudonymous(
            "what a consent is limited to, such as one named partner organisation", _CASE_META
        ),
        "recorded_at": Pseudonymous("when consent was given", _CASE_META),
        "withdrawn_at": Pseudonymous("when consent was withdrawn", _CASE_META),
    },
    "cases.Case": {
        "id": ID,
        "reference": Pseudonymous("naming the case to the people in it", _CASE_META),
        "community": Pseudonymous("routing to the right centre; statistics", _CASE_META),
        "category": Pseudonymous("routing and statistics", _CASE_META),
        "status": Pseudonymous("workflow and statistics", _CASE_META),
        "intake_channel": Pseudonymous("statistics on how people reach the centre", _CASE_META),
        "submitted_at": Pseudonymous("workflow and statistics", _CASE_META),
        "updated_at": Pseudonymous("workflow", _CASE_META),
        "data_key": NotPersonal("link to the case's encryption key"),
        "safety_flagged": Pseudonymous(
            "routing to safety screening; never shown to residents or in lists", _CASE_META
        ),
        "outcome": Pseudonymous("how the case ended: workflow and statistics", _CASE_META),
        "closed_at": Pseudonymous("workflow, retention schedule and statistics", _CASE_META),
        "duplicate_of": Pseudonymous(
            "linking a duplicate request, or both parties' requests, by a coordinator", _CASE_META
        ),
        "description": Personal(
            purpose="understanding the dispute to arrange mediation",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.REQUESTER,
            visible_to=CASE_TEAM,
        ),
    },
    "cases.Party": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "role": Pseudonymous("which side of the case", _CASE_META),
        "identity": Personal(
            purpose="knowing who the other party is, as much as the requester chose to say",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR, Audience.MEDIATOR),
        ),
        "safety_answers": Personal(
            purpose="deciding whether mediation is safe and how (safety screening)",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR,),
        ),
        "language": Pseudonymous("speaking to the person in their language", _CASE_META),
        "name_index": Personal(
            purpose="conflict-of-interest checks against mediators' declarations",
            legal_basis=LegalBasis.PUBLIC_TASK,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(),
            unencrypted_because=(
                "a keyed hash (blind index) compared for equality only; never shown, "
                "not indexed, deleted with the party"
            ),
        ),
        "decision": Pseudonymous("whether the party agreed to mediation", _CASE_META),
        "reference": Pseudonymous(
            "the other party's own reference for the status page", _CASE_META
        ),
        "contacted_via": Pseudonymous("how the centre first reached the other party", _CASE_META),
        "notice_version": Pseudonymous(
            "which notice the party was given (GDPR Art. 14)", _CASE_META
        ),
        "decided_at": Pseudonymous("when the party decided", _CASE_META),
        "notified_at": Pseudonymous(
            "when the other party was told what is held about them (GDPR Art. 14)", _CASE_META
        ),
        "status_code_hash": NotPersonal(
            "keyed hash of a random secret; says nothing about the person"
        ),
        "contact": Personal(
            purpose="contacting the person on the channel they chose",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "created_at": Pseudonymous("workflow", _CASE_META),
    },
    "cases.Statement": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "party": NotPersonal("link to the party who wrote it"),
        "text": Personal(
            purpose="more information from a party about the dispute",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "created_at": Pseudonymous("when it was added", _CASE_META),
    },
    "cases.CaseAssignment": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "mediator": Pseudonymous("who mediates (a staff member)", _CASE_META),
        "role": Pseudonymous("lead or co-mediator", _CASE_META),
        "assigned_at": Pseudonymous("workflow", _CASE_META),
        "ended_at": Pseudonymous("workflow", _CASE_META),
    },
    "cases.CaseEvent": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "kind": Pseudonymous("the case timeline (a code)", _CASE_META),
        "from_status": Pseudonymous("the case timeline", _CASE_META),
        "to_status": Pseudonymous("the case timeline", _CASE_META),
        "reason": Pseudonymous("why a case moved on (a code, never free text)", _CASE_META),
        "actor": Pseudonymous("which staff member acted", _CASE_META),
        "subject_id": NotPersonal("id of the session, note or record concerned"),
        "occurred_at": Pseudonymous("the case timeline", _CASE_META),
    },
    "cases.SafetyScreening": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "party": NotPersonal("link to the party screened"),
        "screener": Pseudonymous("who screened (a staff member)", _CASE_META),
        "answers": Personal(
            purpose="deciding whether mediation is safe and in what form",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR,),
        ),
        "decision": Pseudonymous(
            "the process the screening set; never shown to residents", _CASE_META
        ),
        "screened_at": Pseudonymous("when the screening was done", _CASE_META),
    },
    "cases.Session": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "starts_at": Pseudonymous("arranging the session", _CASE_META),
        "ends_at": Pseudonymous("arranging the session", _CASE_META),
        "format": Pseudonymous("in person, online or by phone", _CASE_META),
        "location": Personal(
            purpose="telling the people in the session where or how to join",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "status": Pseudonymous("arranged, held or cancelled", _CASE_META),
        "created_by": Pseudonymous("who arranged it (a staff member)", _CASE_META),
        "created_at": Pseudonymous("workflow", _CASE_META),
        "sequence": NotPersonal("calendar revision number"),
    },
    "cases.SessionMediator": {
        "id": ID,
        "session": NotPersonal("link to the session"),
        "mediator": Pseudonymous("who mediates the session (a staff member)", _CASE_META),
        "starts_at": Pseudonymous("double-booking checks and calendar feeds", _CASE_META),
        "ends_at": Pseudonymous("double-booking checks and calendar feeds", _CASE_META),
        "is_cancelled": Pseudonymous("double-booking checks", _CASE_META),
    },
    "cases.SessionAttendance": {
        "id": ID,
        "session": NotPersonal("link to the session"),
        "party": NotPersonal("link to the party invited"),
        "attendance": Pseudonymous("whether the party came", _CASE_META),
    },
    "cases.CalendarFeedToken": {
        "id": ID,
        "user": NotPersonal("the staff member whose feed it is"),
        "token_hash": NotPersonal("keyed hash of a random secret"),
        "created_at": NotPersonal("when the feed address was made"),
        "revoked_at": NotPersonal("when it stopped working"),
    },
    "cases.Note": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "kind": Pseudonymous("shared case note or private caucus note", _CASE_META),
        "party": NotPersonal("link to the party a caucus note is about"),
        "author": Pseudonymous("who wrote it (a staff member)", _CASE_META),
        "text": Personal(
            purpose="the mediators' record of the case",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR, Audience.MEDIATOR),
        ),
        "created_at": Pseudonymous("when it was written", _CASE_META),
    },
    "cases.Agreement": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "recorded_by": Pseudonymous("who wrote it down (a staff member)", _CASE_META),
        "recorded_at": Pseudonymous("when", _CASE_META),
    },
    "cases.AgreementCopy": {
        "id": ID,
        "agreement": NotPersonal("link to the agreement"),
        "party": NotPersonal("link to the party whose copy it is"),
        "language": Pseudonymous("the language of the party's copy", _CASE_META),
        "terms": Personal(
            purpose="the written agreement the parties reached",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "accepted_at": Pseudonymous("when the party accepted it", _CASE_META),
        "acceptance_recorded_by": Pseudonymous("who recorded the acceptance", _CASE_META),
    },
    "cases.FollowUp": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "agreement": NotPersonal("link to the agreement"),
        "due_on": Pseudonymous("when to ask whether the agreement held", _CASE_META),
        "result": Pseudonymous("whether the agreement held: statistics", _CASE_META),
        "recorded_at": Pseudonymous("when the result was recorded", _CASE_META),
        "recorded_by": Pseudonymous("who recorded it (a staff member)", _CASE_META),
    },
    "cases.Partner": {
        "id": ID,
        "slug": CONFIG,
        "name_en": CONFIG,
        "name_zh": CONFIG,
        "kind": CONFIG,
        "email": NotPersonal("an organisation's address for referrals (configuration)"),
        "language": CONFIG,
        "communities": CONFIG,
        "is_active": CONFIG,
    },
    "cases.Referral": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "party": NotPersonal("link to the party referred"),
        "partner": Pseudonymous("which partner organisation the party was referred to", _CASE_META),
        "shared": Pseudonymous(
            "which items were sent (codes only, never their content): GDPR Art. 15(1)(c)",
            _CASE_META,
        ),
        "packet_digest": Pseudonymous(
            "proof of the exact text sent, without keeping a copy of it", _CASE_META
        ),
        "sent_at": Pseudonymous("when the referral was sent", _CASE_META),
        "sent_by": Pseudonymous("who sent it (a staff member)", _CASE_META),
    },
    "intake.RequestDraft": {
        "id": ID,
        "answers": Personal(
            purpose="keeping a resident's answers between the pages of the request form",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.DRAFT,
            subject=Subject.REQUESTER,
            visible_to=(Audience.THE_PERSON,),
        ),
        "expires_at": NotPersonal("when the draft is deleted"),
    },
    "assignment.MediatorProfile": {
        "id": ID,
        "user": NotPersonal("the staff member whose profile it is"),
        "languages": _mediator_profile_field(
            "suggesting mediators who speak the parties' languages"
        ),
        "categories": _mediator_profile_field("suggesting mediators for the kind of dispute"),
        "availability": _mediator_profile_field(
            "suggesting mediators free when sessions can be held"
        ),
        "max_active_cases": Pseudonymous("workload limit for suggestions", Retention.STAFF_ACCOUNT),
        "is_available": Pseudonymous("whether taking new cases", Retention.STAFF_ACCOUNT),
        "updated_at": Pseudonymous("when the profile last changed", Retention.STAFF_ACCOUNT),
    },
    "assignment.ConflictDeclaration": {
        "id": ID,
        "mediator": NotPersonal("the mediator who declared"),
        "name_hash": Personal(
            purpose="conflict-of-interest checks: whether a mediator knows a party",
            legal_basis=LegalBasis.PUBLIC_TASK,
            retention=Retention.DECLARATION,
            subject=Subject.ACQUAINTANCE,
            visible_to=(),
            unencrypted_because=(
                "a keyed hash (blind index) compared for equality only; the name is never "
                "stored, and the hash is never shown, not even to the mediator"
            ),
        ),
        "created_at": Pseudonymous("when declared", Retention.DECLARATION),
    },
    "assignment.MediatorObjection": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "party": NotPersonal("link to the party who objects"),
        "mediator": Pseudonymous("the mediator the party objects to", _CASE_META),
        "recorded_by": Pseudonymous("who recorded it (a staff member)", _CASE_META),
        "recorded_at": Pseudonymous("when it was recorded", _CASE_META),
    },
    "assignment.AssignmentCheck": {
        "id": ID,
        "assignment": NotPersonal("link to the assignment"),
        "result": Pseudonymous("what the conflict-of-interest check found (a code)", _CASE_META),
        "confirmed_in_person": Pseudonymous(
            "whether the coordinator confirmed in person that there is no conflict", _CASE_META
        ),
        "checked_by": Pseudonymous("who checked (a staff member)", _CASE_META),
        "checked_at": Pseudonymous("when", _CASE_META),
    },
    # ---- third-party models -----------------------------------------------
    "admin.LogEntry": {
        "id": ID,
        "action_time": Pseudonymous("administrators' change history", Retention.ADMIN_HISTORY),
        "user": Pseudonymous("which administrator", Retention.ADMIN_HISTORY),
        "content_type": CONFIG,
        "object_id": Pseudonymous("which configuration object", Retention.ADMIN_HISTORY),
        "object_repr": NotPersonal(
            "the object's __str__, which never returns personal data (tested); personal "
            "data models are not registered in the admin"
        ),
        "action_flag": CONFIG,
        "change_message": NotPersonal("names of the changed fields only (Django's format)"),
    },
    "auth.Permission": {"id": ID, "name": CONFIG, "content_type": CONFIG, "codename": CONFIG},
    "auth.Group": {"id": ID, "name": CONFIG, "permissions": CONFIG},
    "contenttypes.ContentType": {"id": ID, "app_label": CONFIG, "model": CONFIG},
    "sessions.Session": {
        "session_key": NotPersonal("random session id"),
        "session_data": Personal(
            purpose=(
                "keeping a staff member signed in (user id, two-factor device id, sign-in and "
                "last-use times); showing a reference once after a request"
            ),
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.SESSION,
            subject=Subject.STAFF,
            visible_to=(),
            unencrypted_because=(
                "third-party table, minimised: holds a staff user id and at most a case "
                "reference shown once; never a resident's answers"
            ),
        ),
        "expire_date": NotPersonal("session expiry"),
    },
    "otp_totp.TOTPDevice": _otp_device(
        key=Personal(
            purpose="second sign-in factor: the secret shared with the staff member's app",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(Audience.THE_STAFF_MEMBER,),
            unencrypted_because=(
                "third-party table (django-otp): checking a code needs the secret itself; "
                "shown once to its owner at set-up, never in the admin"
            ),
        ),
        step=CONFIG,
        t0=CONFIG,
        digits=CONFIG,
        tolerance=CONFIG,
        drift=NotPersonal("how far the app's clock is off, in 30-second steps"),
        last_t=Pseudonymous(
            "the time step of the last code accepted, so that no code works twice",
            Retention.STAFF_ACCOUNT,
        ),
    ),
    "otp_static.StaticDevice": _otp_device(),
    "otp_static.StaticToken": {
        "id": ID,
        "device": NotPersonal("which set of recovery codes"),
        "token": Personal(
            purpose="signing in without the app: unused recovery codes (keyed hash only)",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.STAFF_ACCOUNT,
            subject=Subject.STAFF,
            visible_to=(),
            unencrypted_because=(
                "a keyed hash (pepper outside the database), never a usable code; "
                "deleted when used or replaced"
            ),
        ),
    },
    "axes.AccessAttempt": _axes_access(
        username=Pseudonymous(
            "counting failed sign-ins per username: a keyed hash of what was typed, never "
            "the text itself",
            Retention.SIGN_IN_ATTEMPTS,
        ),
        attempt_time=Pseudonymous("time of the latest failure", Retention.SIGN_IN_ATTEMPTS),
        get_data=NotPersonal("the sign-in page's query parameters, every value masked"),
        post_data=NotPersonal("the sign-in form's field names, every value masked"),
        failures_since_start=Pseudonymous("number of failures", Retention.SIGN_IN_ATTEMPTS),
    ),
    "axes.AccessAttemptExpiration": {
        "access_attempt": AXES_UNUSED,
        "expires_at": AXES_UNUSED,
    },
    "axes.AccessFailureLog": _axes_access(
        username=AXES_UNUSED, attempt_time=AXES_UNUSED, locked_out=AXES_UNUSED
    ),
    "axes.AccessLog": _axes_access(
        username=AXES_UNUSED,
        attempt_time=AXES_UNUSED,
        logout_time=AXES_UNUSED,
        session_hash=AXES_UNUSED,
    ),
}

# Tables that are not models but may hold data, for the record of processing.
OTHER_TABLES = {
    "mediation_cache": (
        "throttle counters keyed by a keyed hash of the client address "
        "(never the address itself); expire within the throttle window"
    ),
}


def classification(label: str, field: str) -> Classification | None:
    """Return how ``label``'s ``field`` is classified, or None if it is not declared."""
    return INVENTORY.get(label, {}).get(field)
