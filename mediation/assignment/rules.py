"""When a case can take mediators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from mediation.cases.models import Case, Status

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# A case takes mediators once accepted for mediation and until it has ended.
ASSIGNABLE_STATUSES = frozenset(
    {
        Status.SCREENING,
        Status.ASSIGNED,
        Status.SESSIONS,
        Status.AGREEMENT,
        Status.NO_AGREEMENT,
        Status.FOLLOW_UP,
    }
)


def status_problem(case: Case) -> StrPromise | None:
    """Return why mediators cannot be assigned to ``case`` in its status, or None."""
    if case.status in ASSIGNABLE_STATUSES:
        return None
    if case.status == Status.SUBMITTED:
        return _("Accept the request for mediation before assigning mediators.")
    return _("Mediators cannot be assigned to a case that has ended.")
