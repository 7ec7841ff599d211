"""Bearer-token authentication for the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from agents.selectors import runtime
from agents.selectors import tokens as auth


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> auth.Principal | None:
        # On the resolve path, the token and the released pointer come in one round trip.
        match = request.resolver_match
        ref = match.kwargs.get("ref") if match else None
        principal, request.prefetched = auth.authenticate_with(token, runtime.prefetch_keys(ref))
        return principal
