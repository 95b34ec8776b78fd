"""Helpers to walk the request form as a resident would, with the test client."""

from __future__ import annotations

from typing import Any

from django.test import Client

ANSWERS: dict[str, dict[str, Any]] = {
    "community": {},  # filled in with the community's id
    "dispute": {"category": "neighbour"},
    "what-happened": {"description": "The dog next door barks all night."},
    "other-party": {
        "identity": "the family in the flat above",
        "approach": "centre",
        "contact": "",
    },
    "contact": {"channel": "email", "detail": "li.wei@example.org", "times": ["evenings"]},
    "language": {"language": "zh-hans"},
    "safety": {"violence": "no", "threats": "no", "fear": "no"},
    "consent": {"mediation": "on", "contact": "on", "statistics": "on"},
}


def step_url(slug: str) -> str:
    return "/request/" if slug == "community" else f"/request/{slug}/"


def answer_all(client: Client, community_id: int, **overrides: dict[str, Any]) -> None:
    """Answer every question (with ``overrides`` per step) and land on the check page."""
    answers = {**ANSWERS, "community": {"community": community_id}, **overrides}
    for slug, data in answers.items():
        response = client.post(step_url(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
        if response["Location"] == "/request/safety/help/":
            assert client.get("/request/safety/help/").status_code == 200
    assert client.get("/request/check/").status_code == 200
