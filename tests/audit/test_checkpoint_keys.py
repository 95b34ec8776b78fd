"""The checkpoint keys: only the sealer signs, everyone verifies, retired keys still verify."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mediation import devkeys
from mediation.audit import checkpoints
from tests.test_settings import ROOT, production_env

HEAD = bytes(range(32))
WHEN = datetime(2026, 11, 29, 15, 14, tzinfo=UTC)


def _raw(name: str, keys: dict[str, str]) -> bytes:
    return base64.urlsafe_b64decode(keys[name])


def _start_web(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import mediation.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_web_application_refuses_to_start_holding_the_signing_key() -> None:
    result = _start_web(production_env())
    assert result.returncode != 0
    assert "MEDIATION_CHECKPOINT_SIGNING_KEY is set for the web application" in result.stderr


def test_the_web_application_starts_with_the_public_key_alone() -> None:
    result = _start_web(production_env(MEDIATION_CHECKPOINT_SIGNING_KEY="<unset>"))
    assert result.returncode == 0, result.stderr


def test_the_sealer_command_says_it_needs_the_signing_key_in_production() -> None:
    env = production_env(MEDIATION_CHECKPOINT_SIGNING_KEY="<unset>")
    result = subprocess.run(
        [sys.executable, "manage.py", "seal_access_log"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "MEDIATION_CHECKPOINT_SIGNING_KEY is not set" in result.stderr


def test_development_keys_hold_a_matching_ed25519_pair() -> None:
    keys = devkeys.generate()
    private = _raw("MEDIATION_CHECKPOINT_SIGNING_KEY", keys)
    public = _raw("MEDIATION_CHECKPOINT_VERIFY_KEY", keys)
    assert len(private) == len(public) == 32
    assert devkeys.checkpoint_public_key(private) == public


def test_an_old_development_key_file_gains_one_pair_even_when_read_at_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dev-keys.json"
    old = {name: value for name, value in devkeys.generate().items() if "CHECKPOINT" not in name}
    path.write_text(json.dumps(old))
    results: list[dict[str, str]] = []

    readers = [
        threading.Thread(target=lambda: results.append(devkeys.load_or_create(path)))
        for _ in range(8)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()

    stored = json.loads(path.read_text())
    assert {result["MEDIATION_CHECKPOINT_VERIFY_KEY"] for result in results} == {
        stored["MEDIATION_CHECKPOINT_VERIFY_KEY"]
    }
    assert devkeys.checkpoint_public_key(_raw("MEDIATION_CHECKPOINT_SIGNING_KEY", stored)) == _raw(
        "MEDIATION_CHECKPOINT_VERIFY_KEY", stored
    )
    assert stored["MEDIATION_MASTER_KEYS"] == old["MEDIATION_MASTER_KEYS"]


def test_a_retired_public_key_still_verifies_the_checkpoints_it_signed(settings) -> None:
    retired, current = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.MEDIATION_CHECKPOINT_VERIFY_KEY = [
        checkpoints.public_key_bytes(current.public_key()),
        checkpoints.public_key_bytes(retired.public_key()),
    ]
    keys = checkpoints.verify_keys()
    old = checkpoints.sign(retired, position=1, event_count=1, head=HEAD, created_at=WHEN)
    new = checkpoints.sign(current, position=2, event_count=2, head=HEAD, created_at=WHEN)

    assert checkpoints.signature_is_valid(old, keys)
    assert checkpoints.signature_is_valid(new, keys)
    settings.MEDIATION_CHECKPOINT_VERIFY_KEY = settings.MEDIATION_CHECKPOINT_VERIFY_KEY[:1]
    assert not checkpoints.signature_is_valid(old, checkpoints.verify_keys())


def test_the_signed_message_is_the_documented_text() -> None:
    assert checkpoints.message(position=7, event_count=7, head=HEAD, created_at=WHEN) == (
        b"mediation access-log checkpoint v1\n7\n7\n" + HEAD.hex().encode() + b"\n"
        b"2026-11-29T15:14:00.000000+00:00\n"
    )


@pytest.mark.parametrize(
    "field",
    ["position", "event_count", "head", "created_at"],
)
def test_changing_any_signed_field_voids_the_signature(field: str) -> None:
    key = Ed25519PrivateKey.generate()
    keys = {
        checkpoints.key_id(checkpoints.public_key_bytes(key.public_key())): (
            key.public_key(),
            "",
        )
    }
    signed = checkpoints.sign(key, position=3, event_count=3, head=HEAD, created_at=WHEN)
    changed = {
        "position": {"position": 4},
        "event_count": {"event_count": 4},
        "head": {"head": bytes(32)},
        "created_at": {"created_at": WHEN.replace(second=1)},
    }[field]
    fields = {**signed.__dict__, **changed}
    assert checkpoints.signature_is_valid(signed, keys)
    assert not checkpoints.signature_is_valid(checkpoints.Checkpoint(**fields), keys)
