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


def test_staff_see_the_tokens_of_their_workspace_only(client, make_user, user):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from agents.models import Workspace
    from agents.services import tokens

    tokens.create_api_token(user=user, name="ours")
    shop = Workspace.objects.create(name="Shop")
    theirs = make_user("Releaser", workspace=shop)
    tokens.create_api_token(user=theirs, name="theirs")
    support = make_user("Viewer", is_staff=True)
    support.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(support)
    page = client.get(reverse("admin:agents_apitoken_changelist")).content.decode()
    assert "ours" in page
    assert "theirs" not in page
