"""Client identity for throttling, without keeping anyone's IP address.

The address is turned into a keyed hash at once; only that hash reaches the
cache that counts attempts, and nothing of it reaches logs.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

BENCH_CLIENT_HEADER = "HTTP_X_BENCH_CLIENT"


def client_address(request: HttpRequest) -> str:
    """Return the client's address as the configured proxies report it.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so behind N proxies the client is the N-th entry from the
    right; anything further left was written by the client and is ignored.
    Without proxies (the default) the header is the client's own claim and is
    not read at all.
    """
    if settings.MEDIATION_BENCH_MODE and BENCH_CLIENT_HEADER in request.META:
        return str(request.META[BENCH_CLIENT_HEADER])[:64]
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.MEDIATION_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                return remote
    return remote


def client_fingerprint(group: str, request: HttpRequest) -> str:
    """Return a keyed hash that identifies the client to throttles (django-ratelimit key)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"client|" + client_address(request).encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def client_marker(request: HttpRequest, *, day: datetime.date | None = None) -> str:
    """Return the access log's coarse client marker: 8 hex characters, new every day.

    A keyed hash of the client's address and the day (UTC). The same client has
    the same marker all day, so a reviewer can see that many attempts came from
    one place; it has another one the next day, so the log cannot follow anyone
    over time, and no address is kept. At 32 bits two clients may share a
    marker on a day, rarely: it points a reviewer somewhere, it proves nothing.
    """
    day = day or datetime.datetime.now(datetime.UTC).date()
    message = f"client-marker|{day.isoformat()}|{client_address(request)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:8]
