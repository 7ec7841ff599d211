"""The console's API tokens page: create (the secret is shown once), see use, revoke."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from agents.domain.exceptions import InvalidInput
from agents.domain.permissions import ROLE_NAMES
from agents.selectors import tokens
from agents.services import tokens as tokens_services
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, dialog, refused


@routes.pages.form("tokens/", name="api-tokens")
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its secret is shown once), see when each was used."""
    created_secret = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        name = request.POST.get("name", "")
        with refused() as refusal:
            if not name.strip():  # the console asks what each token is for
                raise InvalidInput([{"path": "name", "message": "say what the token is for"}])
            days = request.POST.get("expires_in_days", "")
            if days not in EXPIRIES:
                raise InvalidInput([{"path": "expires_at", "message": "pick one of the choices"}])
            _, created_secret = tokens_services.create_api_token(
                user=request.user,
                name=name,
                workspace=request.POST.get("workspace") or None,
                role=request.POST.get("role") or None,
                expires_at=timezone.now() + timedelta(days=int(days)) if days else None,
            )
        errors = refusal.errors
    return render(
        request,
        "agents/tokens/api_tokens.html",
        {
            "tokens": tokens.tokens_of(request.user),
            "created_secret": created_secret,
            "errors": errors,
            "roles": ROLE_NAMES,
            "expiries": EXPIRIES,
        },
        status=422 if errors else 200,
    )


EXPIRIES = {
    "": "never",
    "7": "in 7 days",
    "30": "in 30 days",
    "90": "in 90 days",
    "365": "in a year",
}


@routes.pages.form("tokens/<int:token_id>/revoke/", name="revoke-api-token")
def revoke_api_token(request: HtmxHttpRequest, token_id: int) -> HttpResponse:
    """GET asks to confirm; POST revokes."""
    token = tokens.token_of(request.user, token_id)
    if request.method == "GET":
        label = f"{token.prefix}…" + (f" “{token.name}”" if token.name else "")
        return dialog(
            request,
            "agents/shared/_confirm_dialog.html",
            {
                "title": f"Revoke {label}?",
                "message": "Every runtime or script using it is refused from the next request.",
                "action": request.path,
                "confirm_label": "Revoke token",
            },
        )
    tokens_services.revoke_api_token(token=token, user=request.user)
    messages.success(request, f"Revoked {token.prefix}… — it is refused from now on.")
    return redirect("agents:api-tokens")
