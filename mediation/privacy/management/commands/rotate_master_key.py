"""Re-wrap every case's data key with the active (first) master key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.privacy.crypto import CryptoError, active_master_key
from mediation.privacy.services import data_keys_rewrap

ACCESS_LOGGING = (
    "no personal data: re-wraps the data keys with the active master key; "
    "no personal field is decrypted or changed"
)


class Command(BaseCommand):
    help = (
        "Re-wrap all data keys with the first key in MEDIATION_MASTER_KEYS. Put the new "
        "key first, keep the old ones after it, run this, then remove the old keys."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would change.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            master = active_master_key()
            report = data_keys_rewrap(batch_size=options["batch_size"], dry_run=options["dry_run"])
        except CryptoError as exc:
            raise CommandError(f"{exc} Nothing in the failing batch was changed.") from exc
        verb = "Would re-wrap" if options["dry_run"] else "Re-wrapped"
        self.stdout.write(
            f"{verb} {report.rewrapped} data keys with master key {master.key_id}; "
            f"{report.already_current} were already wrapped with it."
        )
        if not options["dry_run"] and report.rewrapped:
            self.stdout.write("The old master keys can now be removed from MEDIATION_MASTER_KEYS.")
