"""Demo users sign in with two factors like everyone else; the demo loader prints what they need."""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", "--cases", "2", stdout=out)
    return out.getvalue()


def _block(output: str, username: str) -> str:
    """Return the lines printed for ``username``: its own line and the indented ones below."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {username} "))
    end = start + 1
    while end < len(lines) and lines[end].startswith("   "):
        end += 1
    return "\n".join(lines[start:end])


def test_the_demo_loader_prints_each_users_key_and_recovery_codes() -> None:
    output = _load()
    for username in ["coordinator", "mediator1", "mediator2", "mediator3", "privacy", "admin"]:
        block = _block(output, username)
        assert re.search(r"authenticator key  ([A-Z2-7]{4} ){7}[A-Z2-7]{4}", block)
        assert len(re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", block)) >= 10


def test_the_printed_key_makes_codes_that_sign_in() -> None:
    output = _load()
    key = re.search(r"authenticator key  ([A-Z2-7 ]+)", _block(output, "coordinator"))
    assert key is not None
    totp = TOTP(b32decode(key.group(1).replace(" ", "")))
    client = Client()
    client.post("/staff/login/", {"username": "coordinator", "password": "coordinator-demo-2026"})
    response = client.post("/staff/login/verify/", {"code": f"{totp.token():06d}"})
    assert response["Location"] == "/cases/"


def test_a_printed_recovery_code_signs_in_and_is_not_printed_again() -> None:
    output = _load()
    code = re.findall(
        r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", _block(output, "mediator1")
    )[0]
    client = Client()
    client.post("/staff/login/", {"username": "mediator1", "password": "mediator1-demo-2026"})
    assert client.post("/staff/login/recovery/", {"code": code}).status_code == 302

    again = _load()
    assert "Demo data already present." in again
    block = _block(again, "mediator1")
    assert code not in block
    assert len(re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", block)) == 9
    # The key is the same on every run: an app set up once keeps working.
    first_key = re.search(r"authenticator key  ([A-Z2-7 ]+)", _block(output, "mediator1"))
    second_key = re.search(r"authenticator key  ([A-Z2-7 ]+)", block)
    assert first_key is not None
    assert second_key is not None
    assert first_key.group(1) == second_key.group(1)


def test_no_setting_skips_the_second_step(settings) -> None:
    """Demo data or not, debug or not, a password alone reaches no staff page."""
    settings.DEBUG = True
    _load()
    client = Client()
    client.post("/staff/login/", {"username": "admin", "password": "admin-demo-2026"})
    assert client.get("/cases/").status_code == 302
    assert client.get("/admin/").status_code == 302
