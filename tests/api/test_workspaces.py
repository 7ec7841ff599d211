"""`/workspaces`: the caller's workspaces, and their members for its admins."""

import pytest

from agents.models import Membership, Workspace
from agents.services import tokens
from tests.helpers import Api, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(make_user, client):
    home = Workspace.objects.create(name="Clinic")
    kim = make_user("Admin", username="kim", workspace=home)
    make_user("Viewer", username="ann", workspace=home)
    _, secret = tokens.create_api_token(user=kim, workspace=home)
    return home, Api(client, secret)


def test_a_token_sees_its_own_workspace_with_its_role(clinic, api):
    home, admin = clinic
    assert [(w["id"], w["role"]) for w in admin.get("/workspaces").json()["data"]] == [
        (home.public_id, "admin")
    ]
    assert home.public_id not in str(api.get("/workspaces").json())


def test_admins_set_and_remove_roles(clinic):
    home, admin = clinic
    base = f"/workspaces/{home.public_id}/members"
    assert {m["username"] for m in admin.get(base).json()["data"]} == {"kim", "ann"}
    body = admin.put(f"{base}/ann", {"role": "releaser"}).json()
    assert (body["username"], body["role"], body["workspace"]) == (
        "ann",
        "releaser",
        home.public_id,
    )
    assert admin.get(f"{base}/ann").json()["role"] == "releaser"
    error(admin.put(f"{base}/ann", {"role": "owner"}), 422, "validation_error")
    error(admin.put(f"{base}/kim", {"role": "viewer"}), 409, "invalid_state")  # last admin
    assert admin.delete(f"{base}/ann").status_code == 204
    error(admin.get(f"{base}/ann"), 404, "not_found")
    assert not Membership.objects.filter(user__username="ann").exists()


def test_another_workspace_is_404_and_a_non_admin_403(clinic, api, make_api):
    home, admin = clinic
    elsewhere = api.get("/workspaces").json()["data"][0]["id"]
    error(admin.get(f"/workspaces/{elsewhere}/members"), 404, "not_found")
    error(admin.put(f"/workspaces/{elsewhere}/members/kim", {"role": "admin"}), 404, "not_found")
    error(api.get(f"/workspaces/{home.public_id}/members"), 404, "not_found")
    error(api.get(f"/workspaces/{elsewhere}/members"), 403, "permission_denied")


def test_superusers_create_workspaces(make_api, api):
    root = make_api(superuser=True)
    created = root.post("/workspaces", {"name": "Collections"})
    assert created.status_code == 201
    assert created.json()["id"].startswith("ws_")
    error(api.post("/workspaces", {"name": "Mine"}), 403, "permission_denied")
    error(root.post("/workspaces", {"name": "Collections"}), 422, "validation_error")
