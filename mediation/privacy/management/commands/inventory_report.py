"""Write the record of processing generated from the data inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mediation.privacy.record import record_of_processing

ACCESS_LOGGING = (
    "no personal data: writes the record of processing from the inventory's declarations"
)


class Command(BaseCommand):
    help = "Write docs/record-of-processing.md from mediation/privacy/inventory.py."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "record-of-processing.md"
        path.write_text(record_of_processing(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
