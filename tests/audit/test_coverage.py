"""Every URL declares what it does with the access log, and the logging views do log.

Issue 5, item 1: no path to personal data without an access event. The
declarations live next to the views (``mediation.audit.coverage``); these
tests find every URL pattern, every admin page and every management command,
and fail on one that declares nothing. Then they request each logging view
as the persona it is for (or as one it must refuse) and check that the
request wrote access events, of the kinds the view declares.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from mediation.accounts.models import Role, User
from mediation.audit.coverage import (
    LogsAccess,
    NoPersonalData,
    OwnDraftOnly,
    declaration_of,
    logs_access,
    own_draft_only,
    touches_no_personal_data,
)
from mediation.audit.models import AccessEvent, Channel, Outcome
from mediation.privacy.classification import Personal, Subject
from mediation.privacy.inventory import INVENTORY
from tests.audit.world import CALM_SCREENING, World, build_world, resident_client, unused_id
from tests.conftest import Cast, client_for
from tests.factories import PASSWORD, staff_with_role
from tests.intake.journey import answer_all

ROOT = Path(__file__).resolve().parents[2] / "mediation"


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    callback: Callable[..., Any]


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{route}>"
            yield Route(name=name, route=route, callback=entry.callback)


def all_routes() -> list[Route]:
    return list(_routes(get_resolver().url_patterns))


def _model_admin(callback: Callable[..., Any]) -> ModelAdmin[Any] | None:
    current: Any = callback
    while current is not None:
        owner = getattr(current, "__self__", None)
        if isinstance(owner, ModelAdmin):
            return owner
        current = getattr(current, "__wrapped__", None)
    return None


def _personal_fields(model: type[Any]) -> dict[str, Personal]:
    entries = INVENTORY.get(model._meta.label, {})
    return {name: entry for name, entry in entries.items() if isinstance(entry, Personal)}


def _undeclared(routes: list[Route]) -> list[str]:
    missing = []
    for route in routes:
        if declaration_of(route.callback) is not None:
            continue
        model_admin = _model_admin(route.callback)
        # The admin's pages for configuration (no personal field in the
        # inventory) are declared by this rule; any other ModelAdmin must
        # carry its own declaration.
        if model_admin is not None and not _personal_fields(model_admin.model):
            continue
        missing.append(f"{route.name} ({route.route})")
    return sorted(missing)


# ---- declarations --------------------------------------------------------------


def test_the_walk_reaches_included_url_configurations_and_the_admin() -> None:
    names = {route.name for route in all_routes()}
    assert {
        "intake:start",
        "cases:agreement_pdf",  # two includes deep
        "calendar:feed",
        "admin:accounts_user_change",
        "set_language",
    } <= names


def test_every_url_declares_its_logging_or_why_it_touches_no_personal_data() -> None:
    assert _undeclared(all_routes()) == []


def test_an_undeclared_view_is_reported_by_name() -> None:
    def bare_view(request: Any) -> None:
        return None

    assert _undeclared([Route(name="test:bare", route="bare/", callback=bare_view)]) == [
        "test:bare (bare/)"
    ]


def test_a_declaration_is_found_through_other_decorators() -> None:
    callback = resolve(reverse("cases:detail", kwargs={"reference": "X"})).func
    assert getattr(callback, "__wrapped__", None) is not None
    declared = declaration_of(callback)
    assert isinstance(declared, LogsAccess)
    assert declared.events == {("view", "case")}


def test_declarations_name_real_actions_and_give_reasons() -> None:
    with pytest.raises(ValueError, match="access event"):
        logs_access("peek case")
    with pytest.raises(ValueError, match="access event"):
        logs_access("view Case Page")
    with pytest.raises(ValueError, match="at least one"):
        logs_access()
    with pytest.raises(ValueError, match="Say why"):
        touches_no_personal_data(reason="")
    with pytest.raises(ValueError, match="Say why"):
        own_draft_only(reason="  ")


def test_only_the_public_request_form_keeps_a_draft_unlogged() -> None:
    drafts = {
        route.name
        for route in all_routes()
        if isinstance(declaration_of(route.callback), OwnDraftOnly)
    }
    assert drafts == {
        "intake:request",
        "intake:step",
        "intake:check",
        "intake:safety_help",
        "intake:quick_exit",
    }
    for route in all_routes():
        if route.name in drafts:
            assert route.callback.__module__ == "mediation.intake.views"


def test_the_admin_holds_no_case_data() -> None:
    """Residents' data is never registered in the admin: only staff accounts are personal there."""
    wrong = {
        f"{model._meta.label}.{name}"
        for model in admin.site._registry
        for name, entry in _personal_fields(model).items()
        if entry.subject != Subject.STAFF
    }
    assert wrong == set()


def test_every_admin_page_with_personal_data_declares_its_logging() -> None:
    for model, model_admin in admin.site._registry.items():
        if _personal_fields(model):
            assert isinstance(getattr(type(model_admin), "access_logging", None), LogsAccess), (
                model._meta.label
            )


def test_no_admin_offers_autocomplete() -> None:
    # The admin's autocomplete view is declared as touching no personal data for this reason.
    assert all(not model_admin.autocomplete_fields for model_admin in admin.site._registry.values())


def _command_modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for path in ROOT.glob("*/management/commands/*.py")
        if path.name != "__init__.py"
    )


def test_every_management_command_declares_its_logging() -> None:
    modules = _command_modules()
    assert "mediation.privacy.management.commands.rotate_master_key" in modules
    undeclared = []
    for name in modules:
        declared = getattr(importlib.import_module(name), "ACCESS_LOGGING", "")
        kind, _, reason = str(declared).partition(": ")
        if kind not in ("logs", "no personal data") or len(reason) < 10:
            undeclared.append(name)
    assert undeclared == []


# ---- the logging views write their events ---------------------------------------


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


def _a_new_staff_user(world: World, username: str, *, with_device: bool) -> User:
    user = staff_with_role(Role.MEDIATOR, world.cast.community, username)
    if with_device:
        client_for(user)  # gives the user an authenticator device
    return user


def _pending_sign_in(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _client(persona: str, world: World) -> Client:
    cast = world.cast
    staff = {
        "coordinator": cast.coordinator,
        "mediator": cast.mediator,
        "other_mediator": cast.other_mediator,
        "outsider": cast.outsider,
        "privacy_officer": cast.privacy_officer,
        "administrator": world.administrator,
    }
    if persona in staff:
        return client_for(staff[persona])
    if persona == "resident":
        return resident_client(world)
    if persona == "anonymous":
        return Client()
    if persona == "resident_with_draft":
        client = Client()
        answer_all(client, cast.community.pk)
        return client
    if persona == "password_given":
        return _pending_sign_in(_a_new_staff_user(world, "pending", with_device=True))
    if persona == "password_given_no_app":
        return _pending_sign_in(_a_new_staff_user(world, "enrolling", with_device=False))
    raise AssertionError(persona)


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


def _id(visit: Visit) -> str:
    return f"{visit.url_name}-{visit.persona}-{visit.method}" + ("-htmx" if visit.headers else "")


@pytest.mark.django_db
@pytest.mark.parametrize("visit", VISITS, ids=[_id(v) for v in VISITS])
def test_a_logging_view_writes_the_events_it_declares(cast: Cast, visit: Visit) -> None:
    world = build_world(cast, "The family upstairs plays music until 2am.")
    client = _client(visit.persona, world)
    url = reverse(visit.url_name, kwargs=visit.kwargs(world))
    declared = declaration_of(resolve(url).func)
    assert isinstance(declared, LogsAccess), visit.url_name
    before = AccessEvent.objects.count()

    response = getattr(client, visit.method)(url, visit.data(world), headers=visit.headers)

    events = list(AccessEvent.objects.filter(request_id=response["X-Request-ID"]))
    assert events, (visit.url_name, response.status_code)
    assert AccessEvent.objects.count() - before == len(events)
    written = {(event.action, event.object_type) for event in events}
    assert written <= declared.events, (visit.url_name, written - declared.events)
    if visit.writes:
        assert tuple(visit.writes.split(" ")) in written, (visit.url_name, written)
    refused = {event.outcome for event in events} - {Outcome.SUCCESS}
    assert bool(refused) == visit.refused, (visit.url_name, response.status_code, written)
    channel = Channel.ADMIN if visit.url_name.startswith("admin:") else Channel.WEB
    assert {event.channel for event in events} == {channel}


def test_every_logging_view_is_visited_above() -> None:
    """A new logging URL gets a visit in VISITS, or this fails."""
    visited = {visit.url_name for visit in VISITS}
    logging = {
        route.name
        for route in all_routes()
        if isinstance(declaration_of(route.callback), LogsAccess)
    }
    assert logging - visited == set()


def test_declared_reasons_are_plain_sentences() -> None:
    for route in all_routes():
        declared = declaration_of(route.callback)
        if isinstance(declared, NoPersonalData | OwnDraftOnly):
            assert declared.reason == declared.reason.strip()
            assert "\n" not in declared.reason
