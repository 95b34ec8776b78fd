"""Responses that may hold personal data must not be stored by browsers or proxies."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every dynamic response ``Cache-Control: no-store`` (ASVS 14.3.2).

    Static files are served before this point by WhiteNoise with their own
    long-lived caching; everything the app renders may hold personal data or
    a CSRF token, so none of it is cached.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
