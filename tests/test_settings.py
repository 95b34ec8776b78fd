"""Production refuses unsafe settings; the deploy check passes with safe ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediation.devkeys import generate

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    keys = generate()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "MEDIATION_ENV": "production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "mediation.example.org",
        "DATABASE_URL": "sqlite:////tmp/mediation-settings-check.sqlite3",
        "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
        **keys,
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value != "<unset>"}


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_deploy_check_passes_in_production_mode() -> None:
    result = run_check(production_env(), "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
        ({"SECRET_KEY": "<unset>"}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"MEDIATION_MASTER_KEYS": "<unset>"}, "MEDIATION_MASTER_KEYS must be set"),
        ({"MEDIATION_MASTER_KEYS": "not-base64!"}, "MEDIATION_MASTER_KEYS must"),
        ({"MEDIATION_STATUS_CODE_PEPPER": "<unset>"}, "MEDIATION_STATUS_CODE_PEPPER must be set"),
        ({"MEDIATION_BLIND_INDEX_KEY": "<unset>"}, "MEDIATION_BLIND_INDEX_KEY must be set"),
        (
            {"MEDIATION_CHECKPOINT_VERIFY_KEY": "<unset>"},
            "MEDIATION_CHECKPOINT_VERIFY_KEY must be set",
        ),
        (
            {"MEDIATION_CHECKPOINT_SIGNING_KEY": generate()["MEDIATION_CHECKPOINT_SIGNING_KEY"]},
            "MEDIATION_CHECKPOINT_SIGNING_KEY does not match",
        ),
        ({"MEDIATION_AUDIT_SIGNING_KEY": "x" * 44}, "MEDIATION_AUDIT_SIGNING_KEY is replaced"),
        ({"MEDIATION_ACCESS_LOG_RETENTION_YEARS": "0"}, "RETENTION_YEARS must be from 1"),
        ({"ALLOWED_HOSTS": "<unset>"}, "ALLOWED_HOSTS must be set"),
        ({"EMAIL_URL": "<unset>"}, "EMAIL_URL must be set"),
        ({"MEDIATION_BENCH_MODE": "true"}, "MEDIATION_BENCH_MODE is for benchmarks"),
        (
            {"MEDIATION_BENCH_ACCESS_LOG_OFF": "true"},
            "MEDIATION_BENCH_ACCESS_LOG_OFF needs MEDIATION_BENCH_MODE",
        ),
    ],
)
def test_production_refuses_to_start_with(overrides: dict[str, str], message: str) -> None:
    result = run_check(production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_an_unknown_mode_is_refused() -> None:
    result = run_check(production_env(MEDIATION_ENV="staging"))
    assert result.returncode != 0
    assert "MEDIATION_ENV must be" in result.stderr


def test_development_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.transaction_mode)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]
