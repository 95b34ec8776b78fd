"""Recompute the access log's hash chain and check its checkpoints; say where it breaks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.audit.verification import CHUNK_SIZE, verify_access_log

ACCESS_LOGGING = (
    "no personal data: reads access events only to hash them; reports positions and event "
    "ids, never an event's contents"
)


class Command(BaseCommand):
    help = (
        "Verify the access log: recompute every seal from the events, check every signed "
        "checkpoint (and those in an exported file), and report the first break. Exits "
        "non-zero on any break."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="A file written by export_checkpoints, kept outside this system.",
        )
        parser.add_argument(
            "--encode-in-python",
            action="store_true",
            help="Encode every event in Python rather than in PostgreSQL: slower, and "
            "independent of the database's text functions.",
        )
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["checkpoints"]
        if path is not None and not path.is_file():
            raise CommandError(f"{path} is not a file.")
        tuning = {
            "chunk_size": options["chunk_size"],
            "encode_in_python": options["encode_in_python"],
        }
        if path is None:
            report = verify_access_log(**tuning)
        else:
            with path.open(encoding="utf-8") as lines:
                report = verify_access_log(exported=lines, **tuning)
        for found in report.breaks:
            where = f"position {found.position}" if found.position is not None else "the log"
            event = f", event {found.event_id}" if found.event_id is not None else ""
            self.stderr.write(f"BROKEN at {where}{event}: {found.kind}. {found.detail}.")
        if report.breaks:
            raise CommandError("The access log does not verify.", returncode=1)
        last = (
            f"last checkpoint {report.last_checkpoint_at:%Y-%m-%d %H:%M:%S %Z}"
            if report.last_checkpoint_at
            else "no checkpoint yet"
        )
        span = (
            f" (positions {report.first_position} to {report.last_position})"
            if report.seals
            else ""
        )
        self.stdout.write(
            f"Access log intact: {report.events} events, {report.seals} seals{span}, "
            f"{report.checkpoints} signed checkpoints, {last}; "
            f"{report.unsealed} events waiting to be sealed."
        )
        if path is not None:
            self.stdout.write(
                f"{report.exported_checked} exported checkpoints in {path} match the log."
            )
