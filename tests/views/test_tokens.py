"""API tokens in the console: created, shown once, revoked."""

import re

import pytest
from django.urls import reverse

from agents.models import ApiToken
from agents.services import tokens
from tests.helpers import HTMX

pytestmark = pytest.mark.django_db


def test_api_tokens_are_created_shown_once_and_revoked_in_the_console(operator_client, user):
    from agents.models import ApiToken

    page = operator_client.post(reverse("agents:api-tokens"), {"name": "runtime"})
    html = page.content.decode()
    token = ApiToken.objects.get(user=user)
    secret = re.search(r'id="new-token" class="mono" value="([^"]+)"', html).group(1)
    assert secret.startswith(token.prefix)
    listing = operator_client.get(reverse("agents:api-tokens")).content.decode()
    assert secret not in listing
    assert f"{token.prefix}…" in listing
    assert "never" in listing
    operator_client.post(reverse("agents:revoke-api-token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = operator_client.get("/api/v1/agents", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_nobody_revokes_someone_elses_token(operator_client, make_user):
    from agents.models import ApiToken

    other, _ = tokens.create_api_token(user=make_user("Viewer"), name="theirs")
    response = operator_client.post(reverse("agents:revoke-api-token", args=[other.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_revoking_a_token_asks_first_and_tokens_need_a_name(operator_client, user):
    page = reverse("agents:api-tokens")
    response = operator_client.post(page, {"name": "  "})
    assert 'aria-invalid="true"' in response.content.decode()
    assert "say what the token is for" in response.content.decode()
    created = operator_client.post(page, {"name": "voice runtime"}).content.decode()
    assert 'data-testid="copy-token"' in created
    token = ApiToken.objects.get(user=user)
    url = reverse("agents:revoke-api-token", args=[token.pk])
    asked = operator_client.get(url, **HTMX).content.decode()
    assert "Revoke token" in asked
    assert "voice runtime" in asked
    token.refresh_from_db()
    assert token.revoked_at is None
    operator_client.post(url)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_is_made_for_a_workspace_with_a_ceiling_and_an_expiry(operator_client, user):
    from agents.models import ApiToken

    home = user.memberships.get().workspace
    url = reverse("agents:api-tokens")
    page = operator_client.post(
        url,
        {"name": "ci", "workspace": home.public_id, "role": "viewer", "expires_in_days": "30"},
    ).content.decode()
    token = ApiToken.objects.get()
    assert (token.workspace, token.role) == (home, "viewer")
    assert token.expires_at is not None
    assert "Default" in page
    assert "viewer" in page
    refused = operator_client.post(
        url, {"name": "ci", "workspace": "ws_aaaaaaaaaa", "expires_in_days": ""}
    )
    assert refused.status_code == 422
    assert "No workspace ws_aaaaaaaaaa" in refused.content.decode()
    assert operator_client.post(url, {"name": "x", "expires_in_days": "9"}).status_code == 422
    assert ApiToken.objects.count() == 1
