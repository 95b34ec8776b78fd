"""Give every request a request id and an audit context."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mediation.audit.context import audit_context
from mediation.audit.models import Channel
from mediation.privacy.clients import client_marker


def channel_for(path: str) -> Channel:
    if path.startswith("/api/"):
        return Channel.API
    if path.startswith("/admin/"):
        return Channel.ADMIN
    return Channel.WEB


class RequestContextMiddleware:
    """Open an audit context for the request; refused attempts are written when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(
            channel=channel_for(request.path_info), client=client_marker(request)
        ) as context:
            request.request_id = context.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = str(context.request_id)
        return response
