"""Who acted: the part of an access event that names the actor, as plain ids and codes."""

from __future__ import annotations

from dataclasses import dataclass

from mediation.audit.models import ActorRole, ActorType


@dataclass(frozen=True)
class Actor:
    type: ActorType
    id: str = ""
    role: ActorRole = ActorRole.NONE

    @classmethod
    def staff(cls, user_id: int, role: ActorRole = ActorRole.NONE) -> Actor:
        return cls(type=ActorType.STAFF, id=str(user_id), role=role)

    @classmethod
    def resident(cls, party_id: object, role: ActorRole) -> Actor:
        return cls(type=ActorType.RESIDENT, id=str(party_id), role=role)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(type=ActorType.ANONYMOUS)

    @classmethod
    def system(cls, job: str) -> Actor:
        """Return a system actor; ``job`` is a fixed code such as 'rotate_master_key'."""
        return cls(type=ActorType.SYSTEM, id=job)
