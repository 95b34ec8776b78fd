"""Client identity for throttles: no raw address kept, no spoofing without a proxy."""

from __future__ import annotations

from django.test import RequestFactory

from mediation.privacy.clients import client_address, client_fingerprint


def _request(**meta: str):
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_forwarded_header_is_ignored(settings) -> None:
    settings.MEDIATION_PROXY_COUNT = 0
    request = _request(REMOTE_ADDR="127.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "127.0.0.5"


def test_behind_one_proxy_the_forwarded_client_is_used(settings) -> None:
    settings.MEDIATION_PROXY_COUNT = 1
    request = _request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "203.0.113.9"


def test_the_bench_header_counts_only_in_bench_mode(settings) -> None:
    request = _request(REMOTE_ADDR="127.0.0.5", HTTP_X_BENCH_CLIENT="client-42")
    settings.MEDIATION_BENCH_MODE = False
    assert client_address(request) == "127.0.0.5"
    settings.MEDIATION_BENCH_MODE = True
    assert client_address(request) == "client-42"


def test_the_fingerprint_is_a_keyed_hash_not_the_address() -> None:
    first = client_fingerprint("intake", _request(REMOTE_ADDR="127.0.0.5"))
    second = client_fingerprint("intake", _request(REMOTE_ADDR="127.0.0.6"))
    assert first != second
    assert "127.0.0" not in first
    assert len(first) == 32


def test_behind_two_proxies_a_spoofed_entry_on_the_left_is_ignored(settings) -> None:
    settings.MEDIATION_PROXY_COUNT = 2
    request = _request(
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9, 10.0.0.2"
    )
    assert client_address(request) == "203.0.113.9"


def test_a_malformed_forwarded_entry_falls_back_to_the_connection(settings) -> None:
    settings.MEDIATION_PROXY_COUNT = 1
    request = _request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(request) == "127.0.0.1"


def test_the_client_marker_is_short_keyed_and_new_every_day() -> None:
    import datetime

    from mediation.privacy.clients import client_marker

    monday, tuesday = datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)
    here = _request(REMOTE_ADDR="127.0.0.5")
    marker = client_marker(here, day=monday)
    assert len(marker) == 8
    assert int(marker, 16) >= 0  # hex
    assert client_marker(_request(REMOTE_ADDR="127.0.0.5"), day=monday) == marker
    assert client_marker(here, day=tuesday) != marker
    assert client_marker(_request(REMOTE_ADDR="127.0.0.6"), day=monday) != marker
    assert marker != client_fingerprint("intake", here)[:8]
