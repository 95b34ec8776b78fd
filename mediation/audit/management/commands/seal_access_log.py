"""Seal committed access events into the hash chain and sign a checkpoint (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.audit.checkpoints import SigningKeyMissing
from mediation.audit.sealing import BATCH_SIZE, SealingError, seal_access_log

ACCESS_LOGGING = (
    "no personal data: reads access events only to hash them into seals; prints counts and "
    "positions, never an event's contents"
)


class Command(BaseCommand):
    help = (
        "Seal the access events whose transactions have ended, in order, and sign a "
        "checkpoint after each batch. Safe to run every minute and concurrently: a run that "
        "finds another sealer at work stops at once. Needs MEDIATION_CHECKPOINT_SIGNING_KEY."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Events sealed per transaction, each ending with a signed checkpoint.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            result = seal_access_log(batch_size=options["batch_size"])
        except (SigningKeyMissing, SealingError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        if result.busy:
            self.stdout.write("Another sealer is running; this run did nothing more.")
        elif result.sealed:
            self.stdout.write(
                f"Sealed {result.sealed} events (up to position {result.position}) and signed "
                f"{result.checkpoints} checkpoints."
            )
        else:
            self.stdout.write(
                f"Nothing to seal; the log is sealed up to position {result.position}."
            )
