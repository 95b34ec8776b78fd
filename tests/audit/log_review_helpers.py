"""Shared by the access-log review, flags and export tests: their URLs; events written directly."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from mediation.audit.models import (
    AccessEvent,
    Action,
    ActorRole,
    ActorType,
    Channel,
    Outcome,
    Purpose,
)

EVENTS = reverse("log_review:events")
FLAGS = reverse("log_review:flags")
EXPORT = reverse("log_review:export")


def _event(**fields: object) -> AccessEvent:
    values: dict[str, object] = {
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "actor_type": ActorType.STAFF,
        "actor_id": "",
        "actor_role": ActorRole.COORDINATOR,
        "action": Action.VIEW,
        "outcome": Outcome.SUCCESS,
        "object_type": "case",
        "object_id": "",
        "purpose": Purpose.CASEWORK,
        "channel": Channel.WEB,
    }
    values.update(fields)
    return AccessEvent.objects.create(**values)
