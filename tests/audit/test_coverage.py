"""Every URL, admin page and management command declares what it does with the access log.

Issue 5, item 1: no path to personal data without an access event. The
declarations live next to the views (``mediation.audit.coverage``); these
tests find every URL pattern, every admin page and every management command,
and fail on one that declares nothing. That the logging views do write the
events they declare is checked in ``test_logging_views.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.urls import resolve, reverse

from mediation.audit.coverage import (
    LogsAccess,
    NoPersonalData,
    OwnDraftOnly,
    declaration_of,
    logs_access,
    own_draft_only,
    touches_no_personal_data,
)
from mediation.privacy.classification import Personal, Subject
from mediation.privacy.inventory import INVENTORY
from tests.audit.routes import Route, all_routes

ROOT = Path(__file__).resolve().parents[2] / "mediation"


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


def test_declared_reasons_are_plain_sentences() -> None:
    for route in all_routes():
        declared = declaration_of(route.callback)
        if isinstance(declared, NoPersonalData | OwnDraftOnly):
            assert declared.reason == declared.reason.strip()
            assert "\n" not in declared.reason
