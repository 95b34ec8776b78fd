"""SQLite under concurrent writers: they wait their turn instead of failing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import threading, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0)
from mediation.audit.actors import Actor
from mediation.audit.models import AccessEvent, Action, Purpose
from mediation.audit.services import access_event_record

errors = []

def writer(n):
    try:
        for i in range(15):
            with transaction.atomic():
                # Read first, then write: the pattern that fails with
                # "database is locked" under DEFERRED transactions.
                AccessEvent.objects.count()
                time.sleep(0.002)
                access_event_record(actor=Actor.staff(n), action=Action.VIEW,
                                    object_type="case", object_id=str(i),
                                    purpose=Purpose.CASEWORK)
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(len(errors), AccessEvent.objects.count())
"""


def test_eight_concurrent_writers_all_succeed(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "120"]
