"""The console's API tokens page: create (the secret is shown once), see use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from agents import services
from agents.domain.exceptions import InvalidInput
from agents.selectors import tokens
from agents.views.htmx import HtmxHttpRequest, errors_of


@require_http_methods(["GET", "POST"])
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its secret is shown once), see when each was used."""
    created_secret = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _, created_secret = services.create_api_token(
                user=request.user, name=request.POST.get("name", "")
            )
        except InvalidInput as exc:
            errors = errors_of(exc)
    return render(
        request,
        "agents/tokens/api_tokens.html",
        {
            "tokens": tokens.tokens_of(request.user),
            "created_secret": created_secret,
            "errors": errors,
        },
    )


@require_http_methods(["POST"])
def revoke_api_token(request: HtmxHttpRequest, token_id: int) -> HttpResponse:
    token = tokens.token_of(request.user, token_id)
    services.revoke_api_token(token=token, user=request.user)
    messages.success(request, f"Revoked {token.prefix}… — it is refused from now on.")
    return redirect("agents:api-tokens")
