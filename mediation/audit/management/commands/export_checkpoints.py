"""Write the signed checkpoints to a file (JSON lines) to keep outside this system."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.audit import checkpoints
from mediation.audit.models import AccessLogCheckpoint

ACCESS_LOGGING = "no personal data: writes signed checkpoints (positions, counts, hashes, times)"


class Command(BaseCommand):
    help = (
        "Export the access log's signed checkpoints as JSON lines (position, head, count, "
        "time, signature, key id, public key fingerprint). Keep the file elsewhere: "
        "verify_access_log --checkpoints FILE then shows whether the log was rewritten or cut "
        "short since."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, required=True, help="File to write.")
        parser.add_argument(
            "--after",
            type=int,
            default=0,
            help="Only checkpoints after this position (to ship new ones incrementally).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        keys = checkpoints.verify_keys()
        rows = (
            AccessLogCheckpoint.objects.filter(position__gt=options["after"])
            .order_by("position")
            .values_list("position", "event_count", "head", "created_at", "signature", "key_id")
            .iterator(chunk_size=10_000)
        )
        count, last = 0, None
        # Written beside the target and renamed, so a reader never sees half a file.
        descriptor, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                for position, event_count, head, created_at, signature, key_id in rows:
                    checkpoint = checkpoints.Checkpoint(
                        position, event_count, bytes(head), created_at, bytes(signature), key_id
                    )
                    if not checkpoints.signature_is_valid(checkpoint, keys):
                        raise CommandError(
                            f"The checkpoint at position {position} does not verify with the "
                            "configured keys; run verify_access_log. Nothing was exported."
                        )
                    handle.write(checkpoints.export_line(checkpoint, keys) + "\n")
                    count, last = count + 1, position
            Path(temporary).replace(output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        current = checkpoints.fingerprint(checkpoints.current_verify_key())
        upto = f" (up to position {last})" if last is not None else ""
        self.stdout.write(
            f"Exported {count} checkpoints{upto} to {output}. Current public key "
            f"fingerprint: SHA256:{current}."
        )
