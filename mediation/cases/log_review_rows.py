"""Rows of the access log review, prepared once per page with one query per lookup.

Events hold plain ids. A page shows usernames for staff and references for
cases, each looked up with one query for the whole page (or export chunk),
and labels from maps built once, as the case list does (decision 0006).
Nothing here reads a case's content: only its reference.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from mediation.accounts.models import Community, User
from mediation.audit import flags
from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorRole,
    ActorType,
    Channel,
    Outcome,
    Purpose,
)
from mediation.cases.models import Case
from mediation.cases.references import display

if TYPE_CHECKING:
    from mediation.cases.log_review import Window

CASE = "case"

EXPORT_HEADER = (
    "event_id",
    "time_utc",
    "actor_type",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "case_reference",
    "community_id",
    "purpose",
    "channel",
    "client",
    "request_id",
    "break_glass_id",
)


def _object_labels() -> dict[str, str]:
    return {
        "case": _("Case"),
        "safety_screening": _("Safety screening"),
        "session": _("Session"),
        "agreement": _("Agreement"),
        "agreement_copy": _("Agreement copy"),
        "referral": _("Referral"),
        "follow_up": _("Follow-up"),
        "break_glass": _("Break-glass access"),
        "calendar_feed": _("Calendar feed"),
        "data_subject_request": _("Data request"),
        "staff_user": _("Staff account"),
        "staff_session": _("Staff session"),
        "totp_device": _("Authenticator app"),
        "recovery_codes": _("Recovery codes"),
        "two_factor": _("Two-factor sign-in"),
        "mediator_profile": _("Mediator profile"),
        "conflict_declarations": _("People a mediator knows"),
        "mediator": _("Mediators"),
        "access_log": _("Access log"),
    }


@dataclass(frozen=True)
class EventRow:
    id: int
    occurred_at: datetime.datetime
    actor: str
    username: str
    role: str
    action: str
    outcome: str
    succeeded: bool
    object_type: str
    object_ref: str
    reference: str
    purpose: str
    channel: str
    client: str
    community: str
    break_glass_id: str


def _staff_ids(events: Iterable[AccessEvent]) -> set[int]:
    return {
        int(event.actor_id)
        for event in events
        if event.actor_type == ActorType.STAFF and event.actor_id.isdigit()
    }


def _case_ids(events: Iterable[AccessEvent]) -> set[uuid.UUID]:
    ids = set()
    for event in events:
        if event.object_type == CASE and event.object_id:
            try:
                ids.add(uuid.UUID(event.object_id))
            except ValueError:
                continue
    return ids


def _usernames(events: Sequence[AccessEvent]) -> dict[str, str]:
    ids = _staff_ids(events)
    if not ids:
        return {}
    return {
        str(pk): username
        for pk, username in User.objects.filter(pk__in=ids).values_list("pk", "username")
    }


def _references(events: Sequence[AccessEvent]) -> dict[str, str]:
    ids = _case_ids(events)
    if not ids:
        return {}
    return {
        str(pk): reference
        for pk, reference in Case.objects.filter(pk__in=ids).values_list("pk", "reference")
    }


def _actor_label(event: AccessEvent, usernames: dict[str, str]) -> str:
    if event.actor_type == ActorType.STAFF:
        return usernames.get(event.actor_id) or _("Staff member %(id)s") % {"id": event.actor_id}
    if event.actor_type == ActorType.RESIDENT:
        if event.actor_role == ActorRole.REQUESTER:
            return _("Resident (requester)")
        if event.actor_role == ActorRole.OTHER_PARTY:
            return _("Resident (other party)")
        return _("Resident")
    if event.actor_type == ActorType.ANONYMOUS:
        return _("Member of the public")
    if event.actor_type == ActorType.SYSTEM:
        return _("System job: %(job)s") % {"job": event.actor_id}
    return _("API client %(id)s") % {"id": event.actor_id}


def event_rows(events: Sequence[AccessEvent], *, community_ids: Iterable[int]) -> list[EventRow]:
    """Return the rows of ``events``: three queries whatever their number (none if empty)."""
    if not events:
        return []
    usernames = _usernames(events)
    references = _references(events)
    communities = dict(Community.objects.filter(pk__in=community_ids).values_list("pk", "slug"))
    roles = {value: str(label) for value, label in ActorRole.choices}
    actions = {value: str(label) for value, label in Action.choices}
    outcomes = {value: str(label) for value, label in Outcome.choices}
    purposes = {value: str(label) for value, label in Purpose.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    objects = _object_labels()
    result = []
    for event in events:
        reference = references.get(event.object_id, "") if event.object_type == CASE else ""
        result.append(
            EventRow(
                id=event.pk,
                occurred_at=event.occurred_at,
                actor=_actor_label(event, usernames),
                username=usernames.get(event.actor_id, "")
                if event.actor_type == ActorType.STAFF
                else "",
                role=roles.get(event.actor_role, event.actor_role) if event.actor_role else "",
                action=actions.get(event.action, event.action),
                outcome=outcomes.get(event.outcome, event.outcome),
                succeeded=event.outcome == Outcome.SUCCESS,
                object_type=objects.get(event.object_type, event.object_type),
                object_ref=display(reference) if reference else event.object_id[:8],
                reference=display(reference) if reference else "",
                purpose=purposes.get(event.purpose, event.purpose),
                channel=channels.get(event.channel, event.channel),
                client=event.client,
                community=communities.get(event.community_id, "") if event.community_id else "",
                break_glass_id=str(event.break_glass_id) if event.break_glass_id else "",
            )
        )
    return result


def export_rows(events: Sequence[AccessEvent]) -> list[list[object]]:
    """Return the CSV rows of ``events`` (codes and ids; usernames and references looked up)."""
    usernames = _usernames(events)
    references = _references(events)
    return [
        [
            event.pk,
            event.occurred_at.astimezone(datetime.UTC).isoformat(),
            event.actor_type,
            event.actor_id,
            usernames.get(event.actor_id, "") if event.actor_type == ActorType.STAFF else "",
            event.actor_role,
            event.action,
            event.outcome,
            event.object_type,
            event.object_id,
            references.get(event.object_id, "") if event.object_type == CASE else "",
            "" if event.community_id is None else event.community_id,
            event.purpose,
            event.channel,
            event.client,
            event.request_id or "",
            event.break_glass_id or "",
        ]
        for event in events
    ]


# ---- flags -----------------------------------------------------------------


def window_query(window: Window) -> dict[str, str]:
    """Return the log page's date filters for ``window``."""
    return {
        "date_from": window.first_day.isoformat() if window.first_day else "",
        "date_to": window.last_day.isoformat() if window.last_day else "",
    }


@dataclass(frozen=True)
class StaffCaseViewsRow:
    username: str
    break_glass_cases: int
    refused_views: int
    cases_viewed: int
    query: str


@dataclass(frozen=True)
class QuietHourRow:
    username: str
    events: int
    first: datetime.datetime
    last: datetime.datetime
    query: str


@dataclass(frozen=True)
class FailedChecksRow:
    reference: str
    attempts: int
    first: datetime.datetime
    last: datetime.datetime
    query: str


@dataclass(frozen=True)
class FlagRows:
    staff_case_views: list[StaffCaseViewsRow]
    quiet_hour_activity: list[QuietHourRow]
    failed_status_checks: list[FailedChecksRow]


def flag_rows(
    *,
    staff_views: list[flags.StaffCaseViews],
    quiet: list[flags.QuietHourActivity],
    checks: list[flags.FailedStatusChecks],
    window: dict[str, str],
) -> FlagRows:
    """Return the flags with usernames and references, each linking to the filtered log."""
    staff_ids = {row.actor_id for row in staff_views} | {row.actor_id for row in quiet}
    numeric = {int(pk) for pk in staff_ids if pk.isdigit()}
    users = User.objects.filter(pk__in=numeric).values_list("pk", "username") if numeric else []
    usernames = {str(pk): name for pk, name in users}
    case_ids = set()
    for check in checks:
        try:
            case_ids.add(uuid.UUID(check.case_id))
        except ValueError:
            continue
    cases = Case.objects.filter(pk__in=case_ids).values_list("pk", "reference") if case_ids else []
    references = {str(pk): reference for pk, reference in cases}

    def staff_query(actor_id: str, **extra: str) -> str:
        username = usernames.get(actor_id, "")
        return urlencode({**window, "username": username, **extra}) if username else ""

    return FlagRows(
        staff_case_views=[
            StaffCaseViewsRow(
                username=usernames.get(row.actor_id, row.actor_id),
                break_glass_cases=row.break_glass_cases,
                refused_views=row.refused_views,
                cases_viewed=row.cases_viewed,
                query=staff_query(row.actor_id, action=Action.VIEW.value),
            )
            for row in staff_views
        ],
        quiet_hour_activity=[
            QuietHourRow(
                username=usernames.get(row.actor_id, row.actor_id),
                events=row.events,
                first=row.first,
                last=row.last,
                query=staff_query(row.actor_id),
            )
            for row in quiet
        ],
        failed_status_checks=[
            FailedChecksRow(
                reference=display(references[row.case_id]) if row.case_id in references else "",
                attempts=row.attempts,
                first=row.first,
                last=row.last,
                query=urlencode(
                    {**window, "reference": references[row.case_id], "actor_type": "anonymous"}
                )
                if row.case_id in references
                else "",
            )
            for row in checks
        ],
    )
