"""Template context about the signed-in member of staff, computed only if a template asks."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mediation.accounts.selectors import staff_scope


def staff(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_scope": SimpleLazyObject(lambda: staff_scope(user=user))}
