"""Sessions are created with one INSERT; a clashing key is still never reused."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from mediation.accounts import session_store
from mediation.accounts.cached_session_store import SessionStore as CachedSessionStore
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


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("redis://127.0.0.1:6379/15", "mediation.accounts.cached_session_store"),
        ("dbcache://mediation_cache", "mediation.accounts.session_store"),
    ],
)
def test_sessions_are_read_through_the_cache_only_when_it_is_redis(
    cache_url: str, engine: str
) -> None:
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mediation.settings", "CACHE_URL": cache_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == engine


@pytest.fixture
def cached_store(settings: Settings) -> type[CachedSessionStore]:
    settings.CACHES = LOCMEM
    cache.clear()
    return CachedSessionStore


def test_a_cached_session_is_written_once_and_read_without_a_query(
    cached_store: type[CachedSessionStore],
) -> None:
    store = cached_store()
    store["resident_access"] = {"party": "x"}
    with CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements.count("INSERT") == 1
    assert "SELECT" not in statements
    assert Session.objects.filter(session_key=store.session_key).exists()
    with CaptureQueriesContext(connection) as queries:
        again = cached_store(store.session_key)
        assert again["resident_access"] == {"party": "x"}
    assert queries.captured_queries == []


def test_a_cached_session_falls_back_to_its_row_and_signing_out_removes_both(
    cached_store: type[CachedSessionStore],
) -> None:
    store = cached_store()
    store["who"] = "staff"
    store.save()
    key = store.session_key
    cache.clear()  # e.g. Redis restarted: the row is the record
    assert cached_store(key)["who"] == "staff"
    store.flush()
    assert not Session.objects.filter(session_key=key).exists()
    assert cached_store(key).get("who") is None
