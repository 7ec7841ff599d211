"""Regression tests of the workspace surface: forgery of its forms, escalation through
tokens, and an admin of one workspace reaching into another."""

import pytest
from django.test import Client
from django.urls import reverse

from agents.models import ApiToken, Membership, Workspace
from agents.services import tokens
from tests.helpers import Api, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    kim = make_user("Admin", username="kim", workspace=clinic)
    Membership.objects.create(workspace=shop, user=kim, role="viewer")
    make_user("Viewer", username="lee", workspace=clinic)
    return clinic, shop, kim


def test_every_new_form_refuses_a_forged_post(two):
    clinic, shop, kim = two
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(kim)
    for url, data in (
        (reverse("agents:choose-workspace"), {"workspace": shop.public_id}),
        (
            reverse("agents:workspace-members", args=[clinic.public_id]),
            {"username": "lee", "role": "admin"},
        ),
        (reverse("agents:remove-member", args=[clinic.public_id, "lee"]), {}),
        (reverse("agents:api-tokens"), {"name": "x", "expires_in_days": ""}),
    ):
        assert browser.post(url, data).status_code == 403, url
    assert Membership.objects.get(user__username="lee").role == "viewer"
    assert not ApiToken.objects.exists()


def test_a_token_never_holds_more_than_its_users_role_in_its_workspace(two, client, make_user):
    clinic, shop, kim = two
    _, secret = tokens.create_api_token(user=kim, workspace=shop, role="admin")
    in_shop = Api(client, secret)  # kim is a viewer in the shop: the ceiling cannot raise it
    error(
        in_shop.put(f"/workspaces/{shop.public_id}/members/kim", {"role": "admin"}),
        403,
        "permission_denied",
    )
    error(in_shop.post("/agents", {"name": "x"}), 403, "permission_denied")
    _, lowered = tokens.create_api_token(user=kim, workspace=clinic, role="viewer")
    error(
        Api(client, lowered).put(f"/workspaces/{clinic.public_id}/members/lee", {"role": "admin"}),
        403,
        "permission_denied",
    )
    error(Api(client, lowered).post("/workspaces", {"name": "Mine"}), 403, "permission_denied")
    assert Membership.objects.get(workspace=shop, user=kim).role == "viewer"


def test_an_admin_cannot_promote_themselves_in_another_workspace(two, client):
    clinic, shop, kim = two
    _, secret = tokens.create_api_token(user=kim, workspace=clinic)
    admin = Api(client, secret)
    error(
        admin.put(f"/workspaces/{shop.public_id}/members/kim", {"role": "admin"}), 404, "not_found"
    )
    browser = Client()
    browser.force_login(kim)
    url = reverse("agents:workspace-members", args=[shop.public_id])
    assert browser.post(url, {"username": "kim", "role": "admin"}).status_code == 403
    assert Membership.objects.get(workspace=shop, user=kim).role == "viewer"
