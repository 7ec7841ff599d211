"""The runtime's hot path, `GET /api/v1/resolve/{ref}`, answered before the console's
middleware (sessions, CSRF, messages, login, history…, none of which an API call
uses) and the API router run: what the endpoint in `api/runtime.py` answers,
through the same selectors (one cache round trip for the token and the released
pointer, the pre-encoded body from the cache), byte for byte.

Only a request that will succeed is answered here: a bearer token that
authenticates and may view agents, and a reference that resolves. Anything else
— no or a bad token, a missing permission, an unknown or unreleased agent — goes
on to the full stack, which answers it with its usual error envelope (a test
compares both paths' answers).
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from agents.domain.exceptions import AgentConsoleError
from agents.domain.permissions import VIEW_AGENT
from agents.domain.request_ids import request_id
from agents.models import scoping
from agents.selectors import runtime, tokens

PATH = re.compile(r"^/api/v1/resolve/(?P<ref>[^/]+)$")


def resolved_response(resolved: runtime.Resolved, if_none_match: str) -> HttpResponse:
    """The endpoint's answer: the configuration, or 304 when the caller has it."""
    etag = f'"{resolved.etag}"'
    if etag in if_none_match:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(resolved.body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


class ResolveFastPath:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and (match := PATH.match(request.path_info)):
            response = self._answer(request, match["ref"])
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def _answer(request: HttpRequest, ref: str) -> HttpResponse | None:
        scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        principal, prefetched = tokens.authenticate_with(secret.strip(), runtime.prefetch_keys(ref))
        if principal is None or not principal.has_perm(VIEW_AGENT):
            return None
        try:
            with scoping.within(principal.visible, principal.workspace_id):
                resolved = runtime.resolve(ref, prefetched)
        except AgentConsoleError:
            return None
        response = resolved_response(resolved, request.headers.get("If-None-Match", ""))
        # What the middleware it skips would add to this response.
        response["X-Frame-Options"] = "DENY"
        response["X-Request-ID"] = request_id(request.headers.get("X-Request-ID", ""))
        response["Content-Length"] = str(len(response.content))
        return response
