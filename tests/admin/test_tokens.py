"""API tokens in the admin: listed without their secret, revoked through the service."""

import pytest
from django.urls import reverse

from agents.models import ApiToken
from agents.services import tokens

pytestmark = pytest.mark.django_db


def test_support_lists_tokens_and_revokes_them(admin_client, user):
    token, secret = tokens.create_api_token(user=user, name="runtime")
    page = admin_client.get(reverse("admin:agents_apitoken_changelist"))
    assert page.status_code == 200
    assert token.prefix in page.content.decode()
    assert secret not in page.content.decode()
    response = admin_client.post(
        reverse("admin:agents_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "Revoked 1 token(s)." in response.content.decode()
    assert not ApiToken.objects.get(pk=token.pk).active


def test_tokens_are_not_added_or_edited_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:agents_apitoken_add")).status_code == 403
