"""Security headers on every page (ASVS 14.3.2, 3.4.x)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/request/", "/status/", "/staff/login/"])
def test_pages_carry_a_strict_policy_and_are_not_cached(path: str) -> None:
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_loads_anything_from_another_origin() -> None:
    for path in ["/", "/request/", "/status/", "/staff/login/"]:
        body = Client().get(path).content.decode()
        for attribute in (
            'src="http',
            "src='http",
            'href="//',
            '<link rel="stylesheet" href="http',
        ):
            assert attribute not in body
