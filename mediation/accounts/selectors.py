"""Reads about staff and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from mediation.accounts.models import Community, Role, RoleAssignment, User


@dataclass(frozen=True)
class StaffScope:
    """The roles one user holds, read once per request."""

    user_id: int
    coordinator_of: frozenset[int]
    mediator_in: frozenset[int]
    privacy_officer_of: frozenset[int]
    is_administrator: bool

    @property
    def is_mediator(self) -> bool:
        return bool(self.mediator_in)

    @property
    def is_case_worker(self) -> bool:
        """Return whether the user may see any case content at all."""
        return bool(self.coordinator_of or self.mediator_in)


_CACHE_ATTRIBUTE = "_mediation_staff_scope"


def staff_scope(*, user: User) -> StaffScope:
    """Return the roles of ``user``; an inactive user holds none.

    Read once per user object: the request's user lives for one request, so a
    view and its templates share one query.
    """
    cached: StaffScope | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None and user.is_active:
        return cached
    scope = _read_scope(user)
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def _read_scope(user: User) -> StaffScope:
    rows = (
        RoleAssignment.objects.filter(user=user).values_list("role", "community_id")
        if user.is_active
        else []
    )
    by_role: dict[str, set[int]] = {role: set() for role in Role.values}
    for role, community_id in rows:
        by_role[role].add(community_id)
    return StaffScope(
        user_id=user.pk,
        coordinator_of=frozenset(by_role[Role.COORDINATOR]),
        mediator_in=frozenset(by_role[Role.MEDIATOR]),
        privacy_officer_of=frozenset(by_role[Role.PRIVACY_OFFICER]),
        is_administrator=bool(by_role[Role.ADMINISTRATOR]),
    )


def communities_accepting_requests() -> QuerySet[Community]:
    """Return the communities a resident may choose on the public form."""
    return Community.objects.filter(is_accepting_requests=True).order_by("slug")
