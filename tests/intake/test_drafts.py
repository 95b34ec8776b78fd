"""The draft between form pages: encrypted, unreadable without the browser's key, expiring."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mediation.intake.models import RequestDraft
from tests.factories import CommunityFactory
from tests.intake.journey import answer_all

pytestmark = pytest.mark.django_db

SECRET_STORY = "My neighbour Zhang Wei at number 12 threatened me."


@pytest.fixture
def community():
    return CommunityFactory()


def test_the_draft_holds_only_ciphertext_and_the_key_is_not_stored(community) -> None:
    client = Client()
    answer_all(client, community.pk, **{"what-happened": {"description": SECRET_STORY}})
    draft = RequestDraft.objects.get()
    assert b"Zhang" not in bytes(draft.answers)
    cookie = client.cookies["draft"].value
    assert "Zhang" not in cookie
    # Nothing of the story is in the session table either.
    for session in Session.objects.all():
        assert "Zhang" not in session.session_data
        assert "Zhang" not in str(session.get_decoded())


def test_without_the_cookie_the_draft_cannot_be_read(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    stranger = Client()
    response = stranger.get("/request/check/")
    assert response.status_code == 302
    assert response["Location"] == "/request/"


def test_a_tampered_cookie_is_ignored(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    value = client.cookies["draft"].value
    client.cookies["draft"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert client.get("/request/check/")["Location"] == "/request/"


def test_an_expired_draft_is_gone(community) -> None:
    client = Client()
    answer_all(client, community.pk)
    RequestDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/request/check/")["Location"] == "/request/"
    assert RequestDraft.objects.count() == 0


def test_the_purge_command_deletes_only_expired_drafts(community) -> None:
    for _ in range(2):
        answer_all(Client(), community.pk)
    first = RequestDraft.objects.first()
    RequestDraft.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("purge_request_drafts", stdout=out)
    assert "Deleted 1 expired drafts." in out.getvalue()
    assert RequestDraft.objects.count() == 1


def test_quick_exit_clears_the_draft_and_leaves(community, settings) -> None:
    settings.MEDIATION_QUICK_EXIT_URL = "https://weather.example/"
    client = Client()
    answer_all(client, community.pk)
    response = client.get("/leave/")
    assert response.status_code == 302
    assert response["Location"] == "https://weather.example/"
    assert RequestDraft.objects.count() == 0
    assert client.cookies["draft"].value == ""


def test_nothing_typed_appears_in_urls_or_logs(community, caplog) -> None:
    client = Client()
    caplog.set_level("DEBUG")
    answer_all(client, community.pk, **{"what-happened": {"description": SECRET_STORY}})
    response = client.post("/request/send/")
    assert response.status_code == 200
    assert "Zhang" not in caplog.text
    assert "li.wei@example.org" not in caplog.text
