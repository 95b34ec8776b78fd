"""Reads about staff and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from mediation.accounts.models import Community, Role, RoleAssignment, User
from mediation.accounts.otp import StaticDevice, TOTPDevice
from mediation.aggregates import joined_column
from mediation.compiled import CompiledQuery


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
# The roles read with the user (``with_roles``): "role:community_id,...".
_ROLES_ATTRIBUTE = "role_list"


def with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Read each user's roles in the same query, for ``staff_scope`` to use."""
    pairs = joined_column(
        RoleAssignment.objects.filter(user_id=OuterRef("pk")),
        group="user_id",
        value=Concat(
            "role",
            Value(":"),
            Coalesce(Cast("community_id", CharField()), Value("")),
            output_field=CharField(),
        ),
    )
    return users.annotate(**{_ROLES_ATTRIBUTE: pairs})


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


# The two-factor devices a staff member can hold, read with the user (``with_devices``).
DEVICE_MODELS = (TOTPDevice, StaticDevice)


def _confirmed_ids(model: type[Any]) -> Subquery:
    return joined_column(
        model.objects.filter(user_id=OuterRef("pk"), confirmed=True),
        group="user_id",
        value=Cast("id", CharField()),
    )


def _devices_attribute(model: type[Any]) -> str:
    return f"confirmed_{model._meta.model_name}s"


def with_devices(users: QuerySet[User]) -> QuerySet[User]:
    """Read the ids of each user's confirmed two-factor devices in the same query."""
    return users.annotate(**{_devices_attribute(m): _confirmed_ids(m) for m in DEVICE_MODELS})


def confirmed_devices(user: Any) -> frozenset[str] | None:
    """Return the persistent ids ("otp_totp.totpdevice/5") of the user's confirmed
    devices as read with the user (``with_devices``), or None if they were not."""
    found: list[str] = []
    for model in DEVICE_MODELS:
        attribute = _devices_attribute(model)
        if not hasattr(user, attribute):
            return None
        joined: str | None = getattr(user, attribute)
        found += [f"{model._meta.label_lower}/{pk}" for pk in joined.split(",")] if joined else []
    return frozenset(found)


def _role_rows(user: User) -> list[tuple[str, Any]]:
    """Return (role, community id or None) pairs: as read with the user, or read now."""
    if not user.is_active:
        return []
    if not hasattr(user, _ROLES_ATTRIBUTE):
        return list(RoleAssignment.objects.filter(user=user).values_list("role", "community_id"))
    joined: str | None = getattr(user, _ROLES_ATTRIBUTE)
    rows: list[tuple[str, Any]] = []
    for pair in joined.split(",") if joined else []:
        role, community = pair.split(":")
        rows.append((role, int(community) if community else None))
    return rows


def _read_scope(user: User) -> StaffScope:
    rows = _role_rows(user)
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


# Every list page's filter offers them: compiled once (CompiledQuery, decision 0016).
_COMMUNITIES = CompiledQuery(lambda ids: Community.objects.filter(pk__in=ids).order_by("slug"))


def community_choices(ids: Iterable[int], language: str) -> list[tuple[int, str]]:
    """(id, name in ``language``) of these communities, by short name: a filter's choices."""
    return [
        (community.pk, community.display_name(language)) for community in _COMMUNITIES.fetch(ids)
    ]


def communities_accepting_requests() -> QuerySet[Community]:
    """Return the communities a resident may choose on the public form."""
    return Community.objects.filter(is_accepting_requests=True).order_by("slug")
