"""Give the seeded cases the history they would have: timeline events and safety flags.

``mediation.cases.seeding`` writes cases in the state they reached (status,
outcome, lead mediator) but no timeline, and no case is safety-flagged. A case
page reads its timeline and the triage queue filters on the flag, so a database
without either would flatter them. After each bulk load the orchestrator (no
Django in its process) runs, in one transaction:

- one ``CaseEvent`` per step each case took to reach its status (and, when
  closed, its outcome), from ``PATHS``: accepting, screening, assigning, the
  sessions, the agreement, the follow-up, the closure, with the reasons the
  workflow asks for; 0 events for a new request, up to 15 for a case closed after
  its follow-up (about 8 on average). Events are spaced two days apart from
  the submission plus a fixed jitter per case; the coordinator acts on triage
  and closure, the lead mediator on the rest. Only cases without any event get
  them, so cases that the services wrote (the form's, ``bench.casework``'s) keep
  their own;
- ``safety_flagged`` on one case in ``one_in`` (chosen by a hash of its id, so
  the same cases each time), as intake sets it when someone answers yes to a
  safety question.

Events carry codes only (kind, statuses, reason), as the services write them.
"""

from __future__ import annotations

import time

import psycopg

from bench.config import COORDINATOR

Step = tuple[str, str, str, str, bool]  # kind, from status, to status, reason, by the lead


def _move(source: str, target: str, reason: str = "", by_lead: bool = False) -> Step:
    return ("status_changed", source, target, reason, by_lead)


def _event(kind: str, by_lead: bool = False) -> Step:
    return (kind, "", "", "", by_lead)


ACCEPTED = [_move("submitted", "screening")]
ASSIGNED = [
    *ACCEPTED,
    _event("party_notified"),
    _event("party_decided"),
    _event("safety_screened"),
    _event("mediator_assigned"),
    _move("screening", "assigned"),
]
SESSIONS = [
    *ASSIGNED,
    _move("assigned", "sessions", by_lead=True),
    _event("session_scheduled", by_lead=True),
    _event("session_recorded", by_lead=True),
    _event("note_added", by_lead=True),
]
AGREEMENT = [
    *SESSIONS,
    _event("agreement_recorded", by_lead=True),
    _move("sessions", "agreement", by_lead=True),
]
FOLLOW_UP = [
    *AGREEMENT,
    _event("agreement_accepted", by_lead=True),
    _move("agreement", "follow_up", by_lead=True),
]
NO_AGREEMENT = [*SESSIONS, _move("sessions", "no_agreement", by_lead=True)]
WITHDRAWN = [*ASSIGNED, _move("assigned", "withdrawn", "requester_withdrew", by_lead=True)]

# (status, outcome) -> the steps that led there.
PATHS: dict[tuple[str, str], list[Step]] = {
    ("submitted", ""): [],
    ("screening", ""): ACCEPTED,
    ("assigned", ""): ASSIGNED,
    ("sessions", ""): SESSIONS,
    ("agreement", ""): AGREEMENT,
    ("follow_up", ""): FOLLOW_UP,
    ("no_agreement", ""): NO_AGREEMENT,
    ("withdrawn", ""): WITHDRAWN,
    ("closed", "agreement_held"): [
        *FOLLOW_UP,
        _event("follow_up_recorded", by_lead=True),
        _move("follow_up", "closed"),
    ],
    ("closed", "agreement_not_held"): [
        *FOLLOW_UP,
        _event("follow_up_recorded", by_lead=True),
        _move("follow_up", "closed"),
    ],
    ("closed", "agreement"): [*AGREEMENT, _move("agreement", "closed")],
    ("closed", "no_agreement"): [*NO_AGREEMENT, _move("no_agreement", "closed")],
    ("closed", "withdrawn"): [*WITHDRAWN, _move("withdrawn", "closed")],
    ("closed", "declined"): [_move("submitted", "closed", "not_suitable")],
    ("closed", "referred"): [_event("referral_sent"), _move("submitted", "closed", "referred")],
    ("closed", "duplicate"): [
        _event("duplicate_linked"),
        _move("submitted", "closed", "duplicate"),
    ],
    ("closed", "other_party_declined"): [
        *ACCEPTED,
        _event("party_notified"),
        _event("party_decided"),
        _move("screening", "closed", "other_party_declined"),
    ],
}

_INSERT = """
INSERT INTO cases_caseevent (case_id, kind, from_status, to_status, reason, actor_id,
                             subject_id, occurred_at)
SELECT c.id, p.kind, p.from_status, p.to_status, p.reason,
       CASE WHEN p.by_lead THEN lead.mediator_id ELSE %(coordinator)s END,
       NULL,
       LEAST(c.submitted_at + p.step * interval '2 days'
             + (abs(hashtext(c.id::text)) %% 86400) * interval '1 second', now())
FROM cases_case c
JOIN (VALUES {values}) AS p(status, outcome, step, kind, from_status, to_status, reason, by_lead)
  ON p.status = c.status AND p.outcome = c.outcome
LEFT JOIN cases_caseassignment lead
  ON lead.case_id = c.id AND lead.role = 'lead' AND lead.ended_at IS NULL
WHERE NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id)
ORDER BY c.id, p.step
"""

_FLAG = """
UPDATE cases_case SET safety_flagged = true
WHERE NOT safety_flagged AND abs(hashtext(id::text)) %% %(one_in)s = 0
"""


def _values() -> tuple[str, dict[str, object]]:
    """The VALUES list of every path's steps, and its parameters."""
    rows, params = [], {}
    for number, ((status, outcome), steps) in enumerate(PATHS.items()):
        for step, (kind, source, target, reason, by_lead) in enumerate(steps, start=1):
            key = f"p{number}_{step}"
            rows.append(
                f"(%({key}s)s, %({key}o)s, {step}, %({key}k)s, %({key}f)s, %({key}t)s, "
                f"%({key}r)s, {'true' if by_lead else 'false'})"
            )
            params.update(
                {
                    f"{key}s": status,
                    f"{key}o": outcome,
                    f"{key}k": kind,
                    f"{key}f": source,
                    f"{key}t": target,
                    f"{key}r": reason,
                }
            )
    return ", ".join(rows), params


def add_history(url: str, one_in: int) -> dict[str, object]:
    """Add timelines to the cases that have none and flag one case in ``one_in``."""
    started = time.perf_counter()
    values, params = _values()
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT id FROM accounts_user WHERE username = %s", (COORDINATOR,)
        ).fetchone()
        if row is None:
            raise RuntimeError(f"{COORDINATOR} does not exist: seed the staff first.")
        events = conn.execute(
            _INSERT.format(values=values), {**params, "coordinator": row[0]}
        ).rowcount
        flagged = conn.execute(_FLAG, {"one_in": one_in}).rowcount
    return {
        "events_added": events,
        "cases_flagged": flagged,
        "wall_seconds": time.perf_counter() - started,
    }
