"""The requests the access-log coverage test makes: one per logging view and persona.

Each ``Visit`` names a URL, who asks (a persona of ``test_logging_views.py``),
how, and whether the view must refuse. A new logging URL gets a visit here,
or ``test_every_logging_view_is_visited_above`` fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mediation.accounts.models import User
from tests.audit.world import CALM_SCREENING, World, unused_id
from tests.factories import PASSWORD


@dataclass(frozen=True)
class Visit:
    """One request: the URL name, who asks, how, and what the answer must be."""

    url_name: str
    persona: str
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    refused: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    # An event the request must write, as "<action> <object type>" (when it matters which).
    writes: str = ""


def _ref(world: World) -> dict[str, Any]:
    return {"reference": world.reference}


def _session(world: World) -> dict[str, Any]:
    return {"reference": world.reference, "session_id": world.session.pk}


WRONG_CODE = {"code": "000000"}
NEW_PASSWORD = "Wd8#kq2!Lm4@zX9p-river"

VISITS = [
    # ---- the public form and the status page
    Visit("intake:send", "resident_with_draft", "post", writes="create case"),
    Visit(
        "intake:status",
        "anonymous",
        "post",
        data=lambda w: {"reference": w.reference, "code": "AAAA-AAAA-AAAA-AAAA-AAAA"},
        refused=True,
    ),
    Visit(
        "intake:status",
        "anonymous",
        "post",
        data=lambda w: {"reference": w.reference, "code": w.status_code},
        writes="login party",
    ),
    Visit("intake:status_case", "resident"),
    Visit(
        "intake:lost_code",
        "anonymous",
        "post",
        data=lambda w: {"reference": w.reference, "email": "nobody@example.org"},
        refused=True,
    ),
    Visit(
        "intake:status_add",
        "resident",
        "post",
        data=lambda w: {"text": "The music went on past midnight again."},
        writes="update case",
    ),
    Visit("intake:status_contact", "resident", writes="view case"),
    Visit("intake:status_contact", "resident", "post", data=lambda w: {"channel": "none"}),
    Visit("intake:status_withdraw", "resident", "post", kwargs=lambda w: {"purpose": "statistics"}),
    Visit(
        "intake:status_withdraw_sharing",
        "resident",
        "post",
        kwargs=lambda w: {"partner": w.partner.slug},
        writes="update case",
    ),
    Visit("intake:status_download", "resident", "post", writes="download case"),
    Visit("intake:status_erasure", "resident", "post"),
    # ---- staff intake and the other party
    Visit("intake:staff_intake", "mediator", refused=True),
    Visit("intake:staff_new_code", "coordinator", "post", kwargs=_ref),
    Visit("intake:staff_new_code", "mediator", "post", kwargs=_ref, refused=True),
    Visit("intake:other_party", "other_mediator", kwargs=_ref, refused=True),
    Visit(
        "intake:other_party_notified",
        "other_mediator",
        "post",
        kwargs=_ref,
        data=lambda w: {"notified-method": "phone"},
        refused=True,
    ),
    Visit("intake:other_party_agreed", "other_mediator", "post", kwargs=_ref, refused=True),
    Visit(
        "intake:other_party_declined",
        "other_mediator",
        "post",
        kwargs=_ref,
        data=lambda w: {"confirm": "yes"},
        refused=True,
    ),
    Visit("intake:other_party_new_code", "other_mediator", "post", kwargs=_ref, refused=True),
    # ---- staff sign-in
    Visit(
        "accounts:login",
        "anonymous",
        "post",
        data=lambda w: {"username": "coordinator", "password": "wrong"},
        refused=True,
    ),
    Visit("accounts:verify", "password_given", "post", data=lambda w: WRONG_CODE, refused=True),
    Visit(
        "accounts:recovery",
        "password_given",
        "post",
        data=lambda w: {"code": "AAAA-AAAA-AAAA-AAAA"},
        refused=True,
    ),
    Visit(
        "accounts:enrol", "password_given_no_app", "post", data=lambda w: WRONG_CODE, refused=True
    ),
    Visit("accounts:logout", "coordinator", "post"),
    Visit(
        "accounts:new_recovery_codes",
        "coordinator",
        "post",
        data=lambda w: WRONG_CODE,
        refused=True,
    ),
    # ---- cases: lists, the case page, workflow
    Visit("cases:list", "mediator"),
    Visit("cases:triage", "coordinator"),
    Visit("cases:triage", "coordinator", headers={"HX-Request": "true"}),
    Visit("cases:triage", "mediator", refused=True),
    Visit("cases:detail", "mediator", kwargs=_ref),
    Visit("cases:detail", "other_mediator", kwargs=_ref, refused=True),
    Visit(
        "cases:detail", "outsider", kwargs=lambda w: {"reference": w.cast.unassigned_case.reference}
    ),
    Visit(
        "cases:move",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {"target": "agreement", "source": "sessions"},
    ),
    Visit(
        "cases:move",
        "other_mediator",
        "post",
        kwargs=_ref,
        data=lambda w: {"target": "closed"},
        refused=True,
    ),
    Visit(
        "cases:duplicate",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {"other_reference": w.cast.unassigned_case.reference},
    ),
    # ---- sessions and notes
    Visit("cases:sessions", "mediator", kwargs=_ref),
    Visit("cases:session_new", "other_mediator", kwargs=_ref, refused=True),
    Visit("cases:session_edit", "mediator", kwargs=_session),
    Visit(
        "cases:session_edit",
        "mediator",
        kwargs=lambda w: {"reference": w.reference, "session_id": unused_id()},
        refused=True,
    ),
    Visit("cases:session_cancel", "mediator", "post", kwargs=_session),
    Visit("cases:session_attendance", "mediator", kwargs=_session),
    Visit("cases:session_ics", "mediator", kwargs=_session, writes="download case"),
    Visit("cases:session_ics", "other_mediator", kwargs=_session, refused=True),
    Visit("cases:notes", "mediator", kwargs=_ref),
    Visit(
        "cases:notes",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {"visibility": "shared", "text": "Called both parties."},
        writes="create case",
    ),
    Visit("cases:notes", "other_mediator", kwargs=_ref, refused=True),
    # ---- agreements and follow-ups
    Visit("cases:agreement", "mediator", kwargs=_ref),
    Visit("cases:agreement_write", "mediator", kwargs=_ref),
    Visit("cases:agreement_write", "other_mediator", kwargs=_ref, refused=True),
    Visit(
        "cases:agreement_accept",
        "mediator",
        "post",
        kwargs=_ref,
        data=lambda w: {"copy": str(w.copy.pk)},
    ),
    Visit(
        "cases:agreement_pdf",
        "mediator",
        kwargs=lambda w: {"reference": w.reference, "copy_id": w.copy.pk},
        writes="print agreement_copy",
    ),
    Visit(
        "cases:agreement_pdf",
        "other_mediator",
        kwargs=lambda w: {"reference": w.reference, "copy_id": w.copy.pk},
        refused=True,
    ),
    Visit("cases:follow_ups", "mediator", kwargs=_ref),
    Visit(
        "cases:follow_up_add",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {"add-due_on": w.follow_up.due_on.isoformat()},
        refused=True,  # no follow-ups before the case reaches its agreement: logged
    ),
    Visit(
        "cases:follow_up_move",
        "other_mediator",
        "post",
        kwargs=_ref,
        data=lambda w: {"target": "follow_up"},
        refused=True,
    ),
    Visit(
        "cases:follow_up_record",
        "coordinator",
        "post",
        kwargs=lambda w: {"reference": w.reference, "follow_up_id": w.follow_up.pk},
        data=lambda w: {f"result-{w.follow_up.pk.hex}-result": "held"},
        refused=True,
    ),
    Visit("cases:follow_ups_overdue", "coordinator"),
    Visit("cases:follow_ups_overdue", "privacy_officer", refused=True),
    # ---- safety screening and referrals
    Visit("cases:screening", "coordinator", kwargs=_ref),
    Visit("cases:screening", "other_mediator", kwargs=_ref, refused=True),
    Visit(
        "cases:screening_new",
        "coordinator",
        "post",
        kwargs=lambda w: {"reference": w.reference, "party_id": w.other_party.pk},
        data=lambda w: {**CALM_SCREENING, "decision": "joint", "held_privately": "on"},
        writes="create safety_screening",
    ),
    Visit(
        "cases:screening_new",
        "other_mediator",
        kwargs=lambda w: {"reference": w.reference, "party_id": w.other_party.pk},
        refused=True,
    ),
    Visit(
        "cases:screening_answers",
        "coordinator",
        kwargs=lambda w: {"reference": w.reference, "screening_id": w.screening.pk},
    ),
    Visit(
        "cases:screening_answers",
        "mediator",
        kwargs=lambda w: {"reference": w.reference, "screening_id": w.screening.pk},
        refused=True,
    ),
    Visit(
        "cases:referral",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {
            "party": str(w.requester.pk),
            "partner": str(w.partner.pk),
            "items": ["description"],
            "action": "preview",
        },
        writes="view case",
    ),
    Visit("cases:referral", "mediator", kwargs=_ref, refused=True),
    Visit("cases:referral_withdraw", "mediator", "post", kwargs=_ref, refused=True),
    # ---- assignment
    Visit("assignment:queue", "coordinator"),
    Visit("assignment:queue", "mediator", refused=True),
    Visit("assignment:case", "coordinator", kwargs=_ref),
    Visit("assignment:case", "outsider", kwargs=_ref, refused=True),
    Visit(
        "assignment:assign",
        "coordinator",
        "post",
        kwargs=_ref,
        data=lambda w: {
            "mediator": w.cast.other_mediator.pk,
            "role": "co",
            "confirmed_in_person": "on",  # the parties gave no names to check
        },
        writes="update case",
    ),
    Visit(
        "assignment:unassign",
        "outsider",
        "post",
        kwargs=_ref,
        data=lambda w: {"assignment": 1},
        refused=True,
    ),
    Visit("assignment:objection", "outsider", "post", kwargs=_ref, refused=True),
    Visit("assignment:mark_assigned", "outsider", "post", kwargs=_ref, refused=True),
    Visit("assignment:mediators", "coordinator"),
    Visit("assignment:mediators", "mediator", refused=True),
    Visit(
        "assignment:profile", "coordinator", kwargs=lambda w: {"mediator_id": w.cast.mediator.pk}
    ),
    Visit(
        "assignment:profile",
        "outsider",
        kwargs=lambda w: {"mediator_id": w.cast.mediator.pk},
        refused=True,
    ),
    Visit(
        "assignment:deactivate", "coordinator", kwargs=lambda w: {"mediator_id": w.cast.mediator.pk}
    ),
    Visit(
        "assignment:deactivate",
        "coordinator",
        "post",
        kwargs=lambda w: {"mediator_id": w.cast.other_mediator.pk},
    ),
    Visit("assignment:own_profile", "mediator"),
    Visit("assignment:declarations", "mediator", "post", data=lambda w: {"names": "Zhang Wei"}),
    Visit("assignment:declarations", "coordinator", refused=True),
    Visit(
        "assignment:declaration_remove",
        "coordinator",
        "post",
        data=lambda w: {"name": "Zhang Wei"},
        refused=True,
    ),
    Visit(
        "assignment:declarations_clear",
        "coordinator",
        "post",
        data=lambda w: {"confirm": "on"},
        refused=True,
    ),
    # ---- a mediator's calendar
    Visit("calendar:mine", "mediator"),
    Visit("calendar:mine", "coordinator", refused=True),
    Visit("calendar:feed_create", "mediator", "post"),
    Visit("calendar:feed_revoke", "mediator", "post"),
    Visit(
        "calendar:feed",
        "anonymous",
        kwargs=lambda w: {"token": w.feed_token},
        writes="export calendar_feed",
    ),
    Visit("calendar:feed", "anonymous", kwargs=lambda w: {"token": "not-a-token"}, refused=True),
    # ---- break-glass
    Visit(
        "break_glass:open",
        "outsider",
        "post",
        data=lambda w: {
            "reference": w.reference,
            "reason": "The requester phoned in distress; their centre is shut.",
            "understood": "on",
        },
        writes="create break_glass",
    ),
    Visit("break_glass:open", "mediator", refused=True),
    Visit("break_glass:review", "privacy_officer"),
    Visit("break_glass:review", "coordinator", refused=True),
    Visit(
        "break_glass:decide",
        "privacy_officer",
        "post",
        kwargs=lambda w: {"access_id": str(w.break_glass.pk)},
        data=lambda w: {"decision": "justified"},
    ),
    Visit(
        "break_glass:decide",
        "coordinator",
        "post",
        kwargs=lambda w: {"access_id": str(w.break_glass.pk)},
        data=lambda w: {"decision": "justified"},
        refused=True,
    ),
    # ---- the privacy officer's review of the log
    Visit("log_review:events", "privacy_officer"),
    Visit("log_review:events", "coordinator", refused=True),
    Visit("log_review:flags", "privacy_officer"),
    Visit("log_review:export", "privacy_officer", "post", writes="export access_log"),
    Visit("log_review:export", "mediator", "post", refused=True),
    # ---- the Django admin: staff accounts, and staff without admin rights
    Visit("admin:accounts_user_changelist", "administrator"),
    Visit(
        "admin:accounts_user_change",
        "administrator",
        kwargs=lambda w: {"object_id": w.cast.mediator.pk},
    ),
    Visit(
        "admin:accounts_user_change",
        "administrator",
        "post",
        kwargs=lambda w: {"object_id": w.cast.mediator.pk},
        data=lambda w: _user_form(w.cast.mediator),
        writes="update staff_user",
    ),
    Visit(
        "admin:accounts_user_history",
        "administrator",
        kwargs=lambda w: {"object_id": w.cast.mediator.pk},
    ),
    Visit(
        "admin:accounts_user_delete",
        "administrator",
        kwargs=lambda w: {"object_id": w.cast.mediator.pk},
    ),
    Visit(
        "admin:accounts_user_delete",
        "administrator",
        "post",
        kwargs=lambda w: {"object_id": w.cast.privacy_officer.pk},
        data=lambda w: {"post": "yes"},
        writes="delete staff_user",
    ),
    Visit(
        "admin:auth_user_password_change",
        "administrator",
        kwargs=lambda w: {"id": w.cast.mediator.pk},
    ),
    Visit(
        "admin:accounts_user_changelist",
        "administrator",
        "post",
        data=lambda w: {"action": "end_sessions", "_selected_action": [w.cast.mediator.pk]},
    ),
    Visit(
        "admin:accounts_user_changelist",
        "administrator",
        "post",
        data=lambda w: {"action": "reset_two_factor", "_selected_action": [w.cast.mediator.pk]},
    ),
    Visit(
        "admin:accounts_user_add",
        "administrator",
        "post",
        data=lambda w: {
            "username": "new-staff",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
        writes="create staff_user",
    ),
    Visit(
        "admin:password_change",
        "administrator",
        "post",
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    Visit("admin:logout", "administrator", "post"),
    Visit("admin:login", "coordinator", refused=True),
]


def _user_form(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": "",
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
    }
