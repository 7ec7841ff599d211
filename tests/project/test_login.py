"""Logging in: the OpenID Connect steps (state, nonce and PKCE sent; a forged state
refused; a redirect elsewhere not kept; 404 unconfigured) and the password form with
local passwords off (a superuser's break glass, audited)."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from agents.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_authorization_request_carries_state_nonce_and_pkce(configured, client):
    response = client.get(reverse("oidc_authentication_init"), {"next": "https://evil.example/"})
    assert response.status_code == 302
    sent = parse_qs(urlparse(response["Location"]).query)
    assert {"state", "nonce", "code_challenge"} <= set(sent)
    assert sent["code_challenge_method"] == ["S256"]
    assert client.session["oidc_login_next"] != "https://evil.example/"  # not kept


def test_a_callback_with_a_forged_state_logs_nobody_in(configured, client):
    client.get(reverse("oidc_authentication_init"))
    response = client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "forged"})
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_without_configuration_the_steps_are_not_found(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_with_local_passwords_off_only_a_superuser_logs_in_and_it_is_audited(
    client, settings, make_user
):
    settings.LOCAL_PASSWORDS = False
    make_user("Admin", username="kim")
    make_user(superuser=True, username="root")
    url = reverse("login")
    refused = client.post(url, {"username": "kim", "password": "pw-for-tests"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(url, {"username": "root", "password": "pw-for-tests"}).status_code == 302
    entry = AuditEntry.objects.get(action="login.break_glass")
    assert (entry.actor_name, entry.via, entry.ip) == ("root", "console", "127.0.0.1")
    settings.LOCAL_PASSWORDS = True
    client.logout()
    assert client.post(url, {"username": "kim", "password": "pw-for-tests"}).status_code == 302
