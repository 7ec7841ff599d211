"""Bearer-token authentication for the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from agents.models import scoping
from agents.selectors import runtime, tokens


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> tokens.Principal | None:
        # On the resolve path, the token and the released pointer come in one round trip.
        match = request.resolver_match
        ref = match.kwargs.get("ref") if match else None
        principal, request.prefetched = tokens.authenticate_with(token, runtime.prefetch_keys(ref))
        if principal is not None:
            # The token's workspace, for the rest of the request (WorkspaceMiddleware
            # puts the scope back when the response is made).
            scoping.enter(principal.visible, principal.workspace_id)
        return principal
