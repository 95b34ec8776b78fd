"""Sessions are created with one INSERT; a clashing key is still never reused."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.accounts import session_store
from mediation.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_settings_use_this_store() -> None:
    from django.conf import settings

    assert settings.SESSION_ENGINE == "mediation.accounts.session_store"


def test_a_new_session_is_written_without_asking_first() -> None:
    store = SessionStore()
    store["resident_access"] = {"party": "x"}
    with CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert "SELECT" not in statements
    assert statements.count("INSERT") == 1
    assert SessionStore(store.session_key)["resident_access"] == {"party": "x"}


def test_a_key_that_is_taken_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    first = SessionStore()
    first["who"] = "first"
    first.save()
    keys = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(session_store, "get_random_string", lambda *args: next(keys))

    second = SessionStore()
    second["who"] = "second"
    second.save()

    assert second.session_key == "k" * 32
    assert Session.objects.count() == 2
    assert SessionStore(first.session_key)["who"] == "first"
