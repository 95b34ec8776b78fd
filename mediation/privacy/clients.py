"""Client identity for throttling, without keeping anyone's IP address.

The address is turned into a keyed hash at once; only that hash reaches the
cache that counts attempts, and nothing of it reaches logs.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

BENCH_CLIENT_HEADER = "HTTP_X_BENCH_CLIENT"


def client_address(request: HttpRequest) -> str:
    """Return the client's address as the configured proxies report it."""
    if settings.MEDIATION_BENCH_MODE and BENCH_CLIENT_HEADER in request.META:
        return str(request.META[BENCH_CLIENT_HEADER])[:64]
    if settings.MEDIATION_PROXY_COUNT:
        # Behind N proxies, the address N hops from the right of X-Forwarded-For;
        # without proxies that header is the client's own claim and is ignored.
        ip, _routable = get_client_ip(
            request,
            proxy_count=settings.MEDIATION_PROXY_COUNT,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
        )
        if ip:
            return ip
    return str(request.META.get("REMOTE_ADDR", ""))


def client_fingerprint(group: str, request: HttpRequest) -> str:
    """Return a keyed hash that identifies the client to throttles (django-ratelimit key)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"client|" + client_address(request).encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]
