"""Key management operations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mediation.privacy.crypto import active_master_key, unwrap_data_key, wrap_data_key
from mediation.privacy.models import DataKey


@dataclass(frozen=True)
class RotationReport:
    rewrapped: int
    already_current: int


def data_keys_rewrap(*, batch_size: int = 1000, dry_run: bool = False) -> RotationReport:
    """Re-wrap every data key not yet wrapped by the active master key.

    Only the small wrapped keys change; the data they protect is untouched.
    Batched and idempotent: an interrupted run is finished by running again.
    Raises MissingKeyError if a data key's master key is no longer configured,
    before anything in that batch is written.
    """
    master = active_master_key()
    already_current = DataKey.objects.filter(master_key_id=master.key_id).count()
    stale = DataKey.objects.exclude(master_key_id=master.key_id)
    if dry_run:
        return RotationReport(rewrapped=stale.count(), already_current=already_current)
    rewrapped = 0
    while True:
        with transaction.atomic():
            batch = list(stale.order_by("id").select_for_update()[:batch_size])
            if not batch:
                break
            for data_key in batch:
                raw = unwrap_data_key(data_key)
                data_key.wrapped_key = wrap_data_key(
                    data_key_id=data_key.id, raw_key=raw, master=master
                )
                data_key.master_key_id = master.key_id
            DataKey.objects.bulk_update(batch, ["wrapped_key", "master_key_id"])
        rewrapped += len(batch)
    return RotationReport(rewrapped=rewrapped, already_current=already_current)
