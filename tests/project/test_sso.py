"""Single sign-on's backend: who someone is, never what they may do; roles from the
groups claim; no local account taken over."""

import pytest

from agents.domain.permissions import VIEW_AGENT
from agents.models import Membership, Workspace
from agents.services.workspaces import mapped_roles, sync_sso_roles
from agents.sso import SingleSignOnBackend

pytestmark = pytest.mark.django_db

ROLE_MAP = {"clinic-admins": "Clinic:admin", "clinic": "Clinic:viewer", "shop": "Shop:editor"}


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
    configured.OIDC_ROLE_MAP = ROLE_MAP
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
