"""The data inventory of casework: the timeline, screenings, sessions, notes, agreements,
follow-ups, referrals and mediator assignment."""

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
    mediator_profile_field,
)

CASEWORK: dict[str, dict[str, Classification]] = {
    "cases.CaseEvent": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "kind": Pseudonymous("the case timeline (a code)", CASE_META),
        "from_status": Pseudonymous("the case timeline", CASE_META),
        "to_status": Pseudonymous("the case timeline", CASE_META),
        "reason": Pseudonymous("why a case moved on (a code, never free text)", CASE_META),
        "actor": Pseudonymous("which staff member acted", CASE_META),
        "subject_id": NotPersonal("id of the session, note or record concerned"),
        "occurred_at": Pseudonymous("the case timeline", CASE_META),
    },
    "cases.SafetyScreening": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "party": NotPersonal("link to the party screened"),
        "screener": Pseudonymous("who screened (a staff member)", CASE_META),
        "answers": Personal(
            purpose="deciding whether mediation is safe and in what form",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR, Audience.SCREENER),
        ),
        "decision": Pseudonymous(
            "the process the screening set; never shown to residents", CASE_META
        ),
        "screened_at": Pseudonymous("when the screening was done", CASE_META),
    },
    "cases.Session": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "starts_at": Pseudonymous("arranging the session", CASE_META),
        "ends_at": Pseudonymous("arranging the session", CASE_META),
        "format": Pseudonymous("in person, online or by phone", CASE_META),
        "location": Personal(
            purpose="telling the people in the session where or how to join",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "status": Pseudonymous("arranged, held or cancelled", CASE_META),
        "created_by": Pseudonymous("who arranged it (a staff member)", CASE_META),
        "created_at": Pseudonymous("workflow", CASE_META),
        "sequence": NotPersonal("calendar revision number"),
    },
    "cases.SessionMediator": {
        "id": ID,
        "session": NotPersonal("link to the session"),
        "mediator": Pseudonymous("who mediates the session (a staff member)", CASE_META),
        "starts_at": Pseudonymous("double-booking checks and calendar feeds", CASE_META),
        "ends_at": Pseudonymous("double-booking checks and calendar feeds", CASE_META),
        "is_cancelled": Pseudonymous("double-booking checks", CASE_META),
    },
    "cases.SessionAttendance": {
        "id": ID,
        "session": NotPersonal("link to the session"),
        "party": NotPersonal("link to the party invited"),
        "attendance": Pseudonymous("whether the party came", CASE_META),
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
        "kind": Pseudonymous("shared case note or private caucus note", CASE_META),
        "party": NotPersonal("link to the party a caucus note is about"),
        "author": Pseudonymous("who wrote it (a staff member)", CASE_META),
        "text": Personal(
            purpose="the mediators' record of the case",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=(Audience.COORDINATOR, Audience.MEDIATOR),
        ),
        "created_at": Pseudonymous("when it was written", CASE_META),
    },
    "cases.Agreement": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "recorded_by": Pseudonymous("who wrote it down (a staff member)", CASE_META),
        "recorded_at": Pseudonymous("when", CASE_META),
    },
    "cases.AgreementCopy": {
        "id": ID,
        "agreement": NotPersonal("link to the agreement"),
        "party": NotPersonal("link to the party whose copy it is"),
        "language": Pseudonymous("the language of the party's copy", CASE_META),
        "terms": Personal(
            purpose="the written agreement the parties reached",
            legal_basis=LegalBasis.CONSENT,
            retention=Retention.CASE,
            subject=Subject.EACH_PARTY,
            visible_to=CASE_TEAM,
        ),
        "accepted_at": Pseudonymous("when the party accepted it", CASE_META),
        "acceptance_recorded_by": Pseudonymous("who recorded the acceptance", CASE_META),
    },
    "cases.FollowUp": {
        "id": ID,
        "case": NotPersonal("link to the case"),
        "agreement": NotPersonal("link to the agreement"),
        "due_on": Pseudonymous("when to ask whether the agreement held", CASE_META),
        "result": Pseudonymous("whether the agreement held: statistics", CASE_META),
        "recorded_at": Pseudonymous("when the result was recorded", CASE_META),
        "recorded_by": Pseudonymous("who recorded it (a staff member)", CASE_META),
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
        "partner": Pseudonymous("which partner organisation the party was referred to", CASE_META),
        "shared": Pseudonymous(
            "which items were sent (codes only, never their content): GDPR Art. 15(1)(c)",
            CASE_META,
        ),
        "packet_digest": Pseudonymous(
            "proof of the exact text sent, without keeping a copy of it", CASE_META
        ),
        "sent_at": Pseudonymous("when the referral was sent", CASE_META),
        "sent_by": Pseudonymous("who sent it (a staff member)", CASE_META),
    },
    "assignment.MediatorProfile": {
        "id": ID,
        "user": NotPersonal("the staff member whose profile it is"),
        "languages": mediator_profile_field(
            "suggesting mediators who speak the parties' languages"
        ),
        "categories": mediator_profile_field("suggesting mediators for the kind of dispute"),
        "availability": mediator_profile_field(
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
        "mediator": Pseudonymous("the mediator the party objects to", CASE_META),
        "recorded_by": Pseudonymous("who recorded it (a staff member)", CASE_META),
        "recorded_at": Pseudonymous("when it was recorded", CASE_META),
    },
    "assignment.AssignmentCheck": {
        "id": ID,
        "assignment": NotPersonal("link to the assignment"),
        "result": Pseudonymous("what the conflict-of-interest check found (a code)", CASE_META),
        "confirmed_in_person": Pseudonymous(
            "whether the coordinator confirmed in person that there is no conflict", CASE_META
        ),
        "checked_by": Pseudonymous("who checked (a staff member)", CASE_META),
        "checked_at": Pseudonymous("when", CASE_META),
    },
}
