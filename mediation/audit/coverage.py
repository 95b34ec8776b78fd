"""What each view does with the access log, declared next to the view.

Every view a URL reaches carries exactly one declaration:

- ``@logs_access("view case", "download case")``: through its selectors and
  services the view writes access events of these kinds ("<action>
  <object type>"), refused attempts included. Each kind is one the view can
  write; a request writes one or more of them.
- ``@touches_no_personal_data(reason=...)``: the view reaches no personal
  data (a static page, the language switch), and the reason says why.
- ``@own_draft_only(reason=...)``: the public request form, which shows and
  changes only the visitor's own unsent answers, readable only with the key
  held in their own browser; nobody else's access is there to account for.
  The case it becomes is logged when it is sent.

A decorator sets an attribute on the view function (or view class, or
ModelAdmin class); ``declaration_of()`` finds it through other decorators.
Views of Django and other libraries, which cannot be decorated here, are
declared in ``THIRD_PARTY``. ``tests/audit/test_coverage.py`` walks every URL
pattern and fails on a view without a declaration, and requests each logging
view to see that its events are written. Management commands declare the
same in a module attribute ``ACCESS_LOGGING`` (a string: "logs: ..." or
"no personal data: ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from mediation.audit.models import Action

ATTRIBUTE = "access_logging"
_OBJECT_TYPE = re.compile(r"^[a-z][a-z_]*$")

Target = TypeVar("Target")


class _Declaration:
    def __call__(self, target: Target) -> Target:
        setattr(target, ATTRIBUTE, self)
        return target


@dataclass(frozen=True)
class LogsAccess(_Declaration):
    """The view writes access events of these kinds: (action, object type) pairs."""

    events: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class NoPersonalData(_Declaration):
    reason: str


@dataclass(frozen=True)
class OwnDraftOnly(_Declaration):
    reason: str


Declaration = LogsAccess | NoPersonalData | OwnDraftOnly


def _reason(reason: str) -> str:
    if len(reason.strip()) < 10:
        raise ValueError("Say why the view writes no access event.")
    return reason


def logs_access(*events: str) -> LogsAccess:
    """Declare the access events a view writes, each as "<action> <object type>"."""
    pairs = set()
    for event in events:
        action, _, object_type = event.partition(" ")
        if action not in Action.values or not _OBJECT_TYPE.match(object_type):
            raise ValueError(f"Not an '<action> <object type>' access event: {event!r}")
        pairs.add((action, object_type))
    if not pairs:
        raise ValueError("Name at least one access event the view writes.")
    return LogsAccess(events=frozenset(pairs))


def touches_no_personal_data(*, reason: str) -> NoPersonalData:
    """Declare that a view reaches no personal data, and why."""
    return NoPersonalData(reason=_reason(reason))


def own_draft_only(*, reason: str) -> OwnDraftOnly:
    """Declare that a view reaches only the visitor's own unsent request draft."""
    return OwnDraftOnly(reason=_reason(reason))


_ADMIN_SITE = "django.contrib.admin.sites.AdminSite"

# Views of Django itself, which cannot carry a decorator. The admin's model
# pages are covered by a rule instead (tests/audit/test_coverage.py): a
# ModelAdmin whose model has a personal field must be declared itself.
THIRD_PARTY: dict[str, Declaration] = {
    "django.views.i18n.set_language": touches_no_personal_data(
        reason="stores the chosen interface language in a cookie"
    ),
    f"{_ADMIN_SITE}.index": touches_no_personal_data(
        reason="lists the kinds of configuration an administrator may change"
    ),
    f"{_ADMIN_SITE}.app_index": touches_no_personal_data(
        reason="lists the kinds of configuration of one app"
    ),
    f"{_ADMIN_SITE}.password_change_done": touches_no_personal_data(
        reason="a fixed confirmation page"
    ),
    f"{_ADMIN_SITE}.i18n_javascript": touches_no_personal_data(
        reason="the admin's translation catalogue"
    ),
    f"{_ADMIN_SITE}.catch_all_view": touches_no_personal_data(
        reason="redirects to the same path with a slash, or answers 404"
    ),
    f"{_ADMIN_SITE}.autocomplete_view": touches_no_personal_data(
        reason="answers only for autocomplete_fields, and no ModelAdmin has any (tested)"
    ),
    "django.contrib.contenttypes.views.shortcut": touches_no_personal_data(
        reason="redirects to an object's own page; shows nothing of it"
    ),
    "django.views.generic.base.RedirectView": touches_no_personal_data(
        reason="the admin's redirect from an object's address to its change page"
    ),
}


def _dotted_name(target: object) -> str:
    target = getattr(target, "__func__", target)
    return f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"


def declaration_of(view: Callable[..., object]) -> Declaration | None:
    """Return the declaration of a URL's view, looking through decorators; None if it has none.

    Looks at each function in the ``__wrapped__`` chain, at a class-based
    view's class, and at the class of the object a bound method belongs to
    (a ModelAdmin), then at ``THIRD_PARTY``.
    """
    current: object | None = view
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        candidates = [
            current,
            getattr(current, "view_class", None),
            type(owner) if (owner := getattr(current, "__self__", None)) is not None else None,
        ]
        for candidate in candidates:
            found = getattr(candidate, ATTRIBUTE, None) if candidate is not None else None
            if isinstance(found, LogsAccess | NoPersonalData | OwnDraftOnly):
                return found
        for name in (_dotted_name(current), _dotted_name(getattr(current, "view_class", None))):
            if name in THIRD_PARTY:
                return THIRD_PARTY[name]
        current = getattr(current, "__wrapped__", None)
    return None
