"""The access log: one row per access to personal data, and per refused attempt.

It holds codes and plain ids only, no personal data and no free text, and no
foreign keys, so deleting a case or a user can never cascade into the log.
On PostgreSQL triggers refuse UPDATE and DELETE; in production the app's
database role may only INSERT and SELECT (docs/operations.md).

A sealer (``sealing.py``) later chains the events into ``AccessLogSeal`` rows
and signs ``AccessLogCheckpoint`` rows; both tables are append-only too
(decision 0014).
"""

from __future__ import annotations

import uuid
from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.choices import ChoiceLabels
from mediation.privacy.fields import EncryptedField
from mediation.privacy.models import DataKey


class ActorType(models.TextChoices):
    STAFF = "staff", _("Staff member")
    RESIDENT = "resident", _("Resident (with a status code)")
    ANONYMOUS = "anonymous", _("Member of the public")
    API_CLIENT = "api_client", _("API client")
    SYSTEM = "system", _("System job")


class ActorRole(models.TextChoices):
    """The coarse role an actor acted in; what a resident may be shown."""

    COORDINATOR = "coordinator", _("Coordinator")
    MEDIATOR = "mediator", _("Mediator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    REQUESTER = "requester", _("Requester")
    OTHER_PARTY = "other_party", _("Other party")
    NONE = "", _("None")


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    PRINT = "print", _("Printed")
    LOGIN = "login", _("Signed in")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class Purpose(models.TextChoices):
    INTAKE = "intake", _("Receiving a request for mediation")
    CASEWORK = "casework", _("Mediation casework")
    TRIAGE = "triage", _("Screening and triage")
    AUTHENTICATION = "authentication", _("Signing in")
    KEY_MANAGEMENT = "key_management", _("Key management")
    SELF_SERVICE = "self_service", _("The person's own request")
    BREAK_GLASS = "break_glass", _("Break-glass access beyond the usual scope")
    REVIEW = "review", _("Reviewing access to personal data")
    RETENTION = "retention", _("Removing records past their retention")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    ADMIN = "admin", _("Django admin")
    COMMAND = "command", _("Management command")
    TASK = "task", _("Background task")


class CurrentTransactionId(models.Func):
    """The id of the transaction writing the row, on PostgreSQL; NULL elsewhere.

    Used as the database default of ``AccessEvent.xact_id`` so that recording an
    event stays one INSERT. ``pg_current_xact_id()`` is an ``xid8`` (64 bits,
    never wraps around); it goes through text to fit a bigint.
    """

    template = "NULL"
    output_field = models.BigIntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="pg_current_xact_id()::text::bigint", **extra_context
        )


class AccessEvent(ChoiceLabels, models.Model):
    """Who did what to which object, why, when, through which channel."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_type = models.CharField(max_length=12, choices=ActorType.choices)
    actor_id = models.CharField(
        max_length=64, blank=True, help_text=_("Plain id of the user, party or API token.")
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices, blank=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True)
    community_id = models.IntegerField(null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    request_id = models.UUIDField(null=True, blank=True)
    break_glass_id = models.UUIDField(
        null=True,
        blank=True,
        help_text=_("The break-glass access this event was made under; its reason is kept there."),
    )
    # A keyed hash of the client's address and the day (privacy.clients.client_marker):
    # the same client has the same marker all day, another one the next day.
    client = models.CharField(
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text=_("Coarse client marker: a keyed hash of the address, new every day."),
    )
    # Filled by the database: the sealer seals only events whose transaction
    # has ended, in (xact_id, id) order (decision 0014). NULL on SQLite.
    xact_id = models.BigIntegerField(
        null=True, blank=True, editable=False, db_default=CurrentTransactionId()
    )

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        # The review page's filters (decision 0015): one actor over time, one
        # community over time, break-glass events over time. On PostgreSQL a BRIN
        # index on occurred_at (migration access_log_review_indexes) serves the time
        # windows of the flags; it is not a model index because SQLite has none.
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="access_event_object"),
            models.Index(
                fields=["actor_type", "actor_id", "occurred_at"], name="access_event_actor_time"
            ),
            models.Index(fields=["community_id", "occurred_at"], name="access_event_community"),
            models.Index(
                fields=["break_glass_id"],
                condition=models.Q(break_glass_id__isnull=False),
                name="access_event_break_glass",
            ),
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(break_glass_id__isnull=False),
                name="access_event_break_glass_time",
            ),
            # A rare purpose or action over a long window (key management over a
            # year): without these the newest-first walk of the time index reads
            # the whole window to find a few events (0.25-0.33 s at 10,000,000).
            models.Index(fields=["purpose", "occurred_at"], name="access_event_purpose_time"),
            models.Index(fields=["action", "occurred_at"], name="access_event_action_time"),
            # The sealer's order (decision 0014).
            models.Index(fields=["xact_id", "id"], name="access_event_seal_order"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_event_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"access event {self.pk}"


class ReviewDecision(models.TextChoices):
    PENDING = "", _("Not yet reviewed")
    JUSTIFIED = "justified", _("Justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified: followed up")


class BreakGlassAccess(ChoiceLabels, models.Model):
    """An access beyond a user's scope: time-limited, with a written reason, reviewed.

    The reason is free text, so it is kept here, encrypted with this record's
    own data key, never in the access log: the log's events carry only this
    record's id. Plain ids (no foreign keys to cases) like the log itself.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    case_id = models.UUIDField()
    community_id = models.IntegerField()
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, null=True, related_name="break_glass_access"
    )
    reason = EncryptedField(logical_name="break_glass.reason")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decision = models.CharField(
        _("review"), max_length=14, choices=ReviewDecision.choices, blank=True, default=""
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        indexes = [
            models.Index(fields=["user", "case_id", "expires_at"], name="break_glass_active"),
            models.Index(fields=["community_id", "granted_at"], name="break_glass_review"),
        ]

    def __str__(self) -> str:
        return f"break-glass access {self.pk}"


class AccessLogSeal(models.Model):
    """One event sealed into the hash chain, at its position.

    ``leaf`` is SHA-256 over the event's canonical encoding and ``head`` the
    chain after it (``sealing.py``, decision 0014). Written only by the sealer,
    never changed; ``event_id`` is a plain id so that a deleted event leaves its
    seal behind as evidence.
    """

    position = models.BigIntegerField(primary_key=True)
    event_id = models.BigIntegerField(unique=True)
    leaf = models.BinaryField(max_length=32)
    head = models.BinaryField(max_length=32)
    sealed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("access log seal")
        verbose_name_plural = _("access log seals")
        triggers = [
            pgtrigger.Protect(
                name="access_log_seal_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"access log seal {self.position}"


class AccessLogCheckpoint(models.Model):
    """The chain's head at a position, signed with the sealer's Ed25519 key.

    Only the sealer holds the signing key; everyone else can check the
    signature with the public key, and exported checkpoints
    (``export_checkpoints``) show whether the log was later rewritten.
    """

    id = models.BigAutoField(primary_key=True)
    position = models.BigIntegerField(unique=True)
    event_count = models.BigIntegerField()
    head = models.BinaryField(max_length=32)
    created_at = models.DateTimeField()
    signature = models.BinaryField(max_length=64)
    key_id = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("access log checkpoint")
        verbose_name_plural = _("access log checkpoints")
        triggers = [
            pgtrigger.Protect(
                name="access_log_checkpoint_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"access log checkpoint at {self.position}"
