"""The cases app's models: the case and its parties (``core``) and the casework on it.

One package, several modules, one app: ``core`` holds the case, its parties and
who is assigned; ``workflow`` the timeline; ``casework`` sessions, notes,
agreements, follow-ups and safety screenings;
``referrals`` partner organisations and what was sent to them.
"""

from mediation.cases.models.casework import (
    Agreement,
    AgreementCopy,
    AttendanceChoice,
    CalendarFeedToken,
    FollowUp,
    FollowUpResult,
    Note,
    NoteKind,
    SafetyScreening,
    ScreeningDecision,
    Session,
    SessionAttendance,
    SessionFormat,
    SessionMediator,
    SessionStatus,
)
from mediation.cases.models.core import (
    FINISHED_STATUSES,
    AssignmentRole,
    Case,
    CaseAssignment,
    Category,
    ContactChannel,
    ContactMethod,
    IntakeChannel,
    Outcome,
    Party,
    PartyDecision,
    PartyRole,
    Statement,
    Status,
)
from mediation.cases.models.referrals import (
    PacketLanguage,
    Partner,
    PartnerKind,
    Referral,
    ReferralItem,
)
from mediation.cases.models.workflow import CaseEvent, EventKind, Reason

__all__ = [
    "FINISHED_STATUSES",
    "Agreement",
    "AgreementCopy",
    "AssignmentRole",
    "AttendanceChoice",
    "CalendarFeedToken",
    "Case",
    "CaseAssignment",
    "CaseEvent",
    "Category",
    "ContactChannel",
    "ContactMethod",
    "EventKind",
    "FollowUp",
    "FollowUpResult",
    "IntakeChannel",
    "Note",
    "NoteKind",
    "Outcome",
    "PacketLanguage",
    "Partner",
    "PartnerKind",
    "Party",
    "PartyDecision",
    "PartyRole",
    "Reason",
    "Referral",
    "ReferralItem",
    "SafetyScreening",
    "ScreeningDecision",
    "Session",
    "SessionAttendance",
    "SessionFormat",
    "SessionMediator",
    "SessionStatus",
    "Statement",
    "Status",
]
