"""Delete request drafts past their expiry (run from cron, e.g. every 15 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mediation.intake.drafts import drafts_purge_expired

ACCESS_LOGGING = "logs: one 'delete request_draft' event per draft deleted (intake.drafts)"


class Command(BaseCommand):
    help = "Delete the encrypted drafts of request forms that expired."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {drafts_purge_expired()} expired drafts.")
