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

The entries live in three modules: this one (the case, its parties, staff,
the log, keys, consent, intake), ``inventory_casework`` and
``inventory_third_party``; the types are in ``classification``.

``tests/privacy/test_inventory.py`` fails when a model field is missing here,
when an entry names a field that no longer exists, and when one of our
personal fields is neither encrypted nor exempted.
docs/record-of-processing.md is generated from this file
(``manage.py inventory_report``).
"""

from __future__ import annotations

from mediation.privacy.classification import (
    CASE_META,
    CASE_TEAM,
    CONFIG,
    ID,
    Audience,
    Classification,
    LegalBasis,
    NotPersonal,
    Personal,
    Pseudonymous,
    Retention,
    Subject,
)
from mediation.privacy.inventory_casework import CASEWORK
from mediation.privacy.inventory_third_party import THIRD_PARTY

__all__ = ["INVENTORY", "OTHER_TABLES", "NotPersonal", "Personal", "Pseudonymous", "classification"]

_CORE: dict[str, dict[str, Classification]] = {
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
        "client": Pseudonymous(
            "accountability: attempts from one client on one day (keyed hash, no address)",
            Retention.ACCESS_LOG,
        ),
        "break_glass_id": Pseudonymous(
            "accountability: the break-glass access an event was made under", Retention.ACCESS_LOG
        ),
        "xact_id": NotPersonal("the database transaction that wrote the event: the seal order"),
    },
    "audit.AccessLogSeal": {
        "position": NotPersonal("the event's place in the hash chain"),
        "event_id": Pseudonymous("tamper evidence: which event was sealed", Retention.ACCESS_LOG),
        "leaf": Pseudonymous(
            "tamper evidence: SHA-256 of one event's fields", Retention.ACCESS_LOG
        ),
        "head": NotPersonal("SHA-256 of the whole chain up to the event"),
        "sealed_at": NotPersonal("when the sealer ran"),
    },
    "audit.AccessLogCheckpoint": {
        "id": ID,
        "position": NotPersonal("how far along the hash chain"),
        "event_count": NotPersonal("how many events the chain held"),
        "head": NotPersonal("SHA-256 of the whole chain at that point"),
        "created_at": NotPersonal("when the checkpoint was signed"),
        "signature": NotPersonal("Ed25519 signature of the sealer"),
        "key_id": NotPersonal("fingerprint of the signing key"),
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
        "party_id": Pseudonymous("whose consent", CASE_META),
        "purpose": Pseudonymous("what the consent is for", CASE_META),
        "given": Pseudonymous("the answer", CASE_META),
        "notice_version": Pseudonymous("which notice text was shown", CASE_META),
        "notice_digest": Pseudonymous("proof of the exact text shown", CASE_META),
        "language": Pseudonymous("language the notice was shown in", CASE_META),
        "method": Pseudonymous("web form or verbal", CASE_META),
        "recorded_by_id": Pseudonymous("staff member who recorded a verbal consent", CASE_META),
        "scope": Pseudonymous(
            "what a consent is limited to, such as one named partner organisation", CASE_META
        ),
        "recorded_at": Pseudonymous("when consent was given", CASE_META),
        "withdrawn_at": Pseudonymous("when consent was withdrawn", CASE_META),
    },
    "cases.Case": {
        "id": ID,
        "reference": Pseudonymous("naming the case to the people in it", CASE_META),
        "community": Pseudonymous("routing to the right centre; statistics", CASE_META),
        "category": Pseudonymous("routing and statistics", CASE_META),
        "status": Pseudonymous("workflow and statistics", CASE_META),
        "intake_channel": Pseudonymous("statistics on how people reach the centre", CASE_META),
        "submitted_at": Pseudonymous("workflow and statistics", CASE_META),
        "updated_at": Pseudonymous("workflow", CASE_META),
        "data_key": NotPersonal("link to the case's encryption key"),
        "safety_flagged": Pseudonymous(
            "routing to safety screening; never shown to residents or in lists", CASE_META
        ),
        "outcome": Pseudonymous("how the case ended: workflow and statistics", CASE_META),
        "closed_at": Pseudonymous("workflow, retention schedule and statistics", CASE_META),
        "duplicate_of": Pseudonymous(
            "linking a duplicate request, or both parties' requests, by a coordinator", CASE_META
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
        "role": Pseudonymous("which side of the case", CASE_META),
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
        "language": Pseudonymous("speaking to the person in their language", CASE_META),
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
        "decision": Pseudonymous("whether the party agreed to mediation", CASE_META),
        "reference": Pseudonymous("the other party's own reference for the status page", CASE_META),
        "contacted_via": Pseudonymous("how the centre first reached the other party", CASE_META),
        "notice_version": Pseudonymous(
            "which notice the party was given (GDPR Art. 14)", CASE_META
        ),
        "decided_at": Pseudonymous("when the party decided", CASE_META),
        "notified_at": Pseudonymous(
            "when the other party was told what is held about them (GDPR Art. 14)", CASE_META
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
        "created_at": Pseudonymous("workflow", CASE_META),
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
        "created_at": Pseudonymous("when it was added", CASE_META),
    },
    "cases.CaseAssignment": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "mediator": Pseudonymous("who mediates (a staff member)", CASE_META),
        "role": Pseudonymous("lead or co-mediator", CASE_META),
        "assigned_at": Pseudonymous("workflow", CASE_META),
        "ended_at": Pseudonymous("workflow", CASE_META),
        "case_in_progress": NotPersonal("whether the assignment counts toward a mediator's load"),
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
}

INVENTORY: dict[str, dict[str, Classification]] = {**_CORE, **CASEWORK, **THIRD_PARTY}

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
