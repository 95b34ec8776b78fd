"""Remove access events past their retention, behind an exported checkpoint (maintenance role)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mediation.audit.retention import PruningRefused, prune_access_log
from mediation.audit.verification import retention_cutoff

ACCESS_LOGGING = (
    "logs: one 'delete access_log' event per checkpoint-to-checkpoint step it removes, in "
    "the same transaction (audit.retention)"
)


class Command(BaseCommand):
    help = (
        "Remove the access events older than MEDIATION_ACCESS_LOG_RETENTION_YEARS, up to the "
        "last checkpoint before then that is in the exported file given (kept outside this "
        "system). Verifies the whole log against the file first and refuses if it breaks. Run "
        "it as the maintenance database role (docs/operations.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            required=True,
            help="The file written by export_checkpoints, including the checkpoints to prune to.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would go.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["checkpoints"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with path.open(encoding="utf-8") as lines:
            try:
                result = prune_access_log(exported=lines, dry_run=options["dry_run"])
            except PruningRefused as exc:
                raise CommandError(str(exc)) from exc
        years = settings.MEDIATION_ACCESS_LOG_RETENTION_YEARS
        verb = "Would remove" if result.dry_run else "Removed"
        if not result.seals:
            self.stdout.write(
                f"Nothing to prune: no exported checkpoint older than {years} years "
                f"({retention_cutoff():%Y-%m-%d}) covers events still in the log."
            )
        else:
            self.stdout.write(
                f"{verb} {result.events} access events and {result.seals} seals, through "
                f"position {result.through_position} (older than {years} years); the "
                "checkpoints stay."
            )
        if result.break_glass:
            self.stdout.write(
                f"{verb} {result.break_glass} break-glass records (and their keys) older than "
                f"{years} years that no event left in the log names."
            )
