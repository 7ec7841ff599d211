"""Single sign-on's backend and steps: who someone is, never what they may do; roles
from the groups claim; no local account taken over; the flow's state, nonce and PKCE."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from agents.domain.permissions import VIEW_AGENT
from agents.models import Membership, Workspace
from agents.services.workspaces import mapped_roles, sync_sso_roles
from agents.sso import SingleSignOnBackend

pytestmark = pytest.mark.django_db

ROLE_MAP = {"clinic-admins": "Clinic:admin", "clinic": "Clinic:viewer", "shop": "Shop:editor"}


@pytest.fixture
def configured(settings):
    settings.OIDC_RP_CLIENT_ID = "agent-console"
    settings.OIDC_RP_CLIENT_SECRET = "s"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.com/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.com/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.com/me"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.com/jwks"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    return settings


def test_groups_map_to_the_highest_role_per_workspace():
    assert mapped_roles(["clinic", "clinic-admins", "shop", "other"], ROLE_MAP) == {
        "Clinic": "admin",
        "Shop": "editor",
    }
    assert mapped_roles(["x"], {"x": "no-role-here"}) == {}


def test_logins_keep_mapped_roles_in_step_and_leave_other_workspaces_alone(make_user):
    olga = make_user(username="olga")
    Workspace.objects.create(name="Clinic")
    elsewhere = Workspace.objects.create(name="Collections")
    Membership.objects.create(workspace=elsewhere, user=olga, role="releaser")
    sync_sso_roles(user=olga, groups=["clinic-admins", "shop"], role_map=ROLE_MAP)
    roles = dict(Membership.objects.filter(user=olga).values_list("workspace__name", "role"))
    assert roles == {"Clinic": "admin", "Shop": "editor", "Collections": "releaser"}
    sync_sso_roles(user=olga, groups=["clinic"], role_map=ROLE_MAP)  # left the shop team
    roles = dict(Membership.objects.filter(user=olga).values_list("workspace__name", "role"))
    assert roles == {"Clinic": "viewer", "Collections": "releaser"}


def test_the_backend_grants_nothing_and_takes_over_no_local_account(configured, make_user):
    backend = SingleSignOnBackend()
    local = make_user("Admin", username="kim")  # has a password: not single sign-on's
    claims = {"preferred_username": "kim", "email": "kim@example.com", "groups": []}
    assert backend.verify_claims(claims)
    assert not backend.filter_users_by_claims(claims).exists()
    assert not backend.verify_claims({"preferred_username": "bad name!"})
    made = backend.create_user({"preferred_username": "olga", "groups": ["clinic-admins"]})
    assert not made.has_usable_password()
    assert list(backend.filter_users_by_claims({"preferred_username": "olga"})) == [made]
    assert Membership.objects.get(user=made).role == "admin"
    assert not backend.has_perm(local, VIEW_AGENT)
    assert backend.get_all_permissions(local) == set()


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
