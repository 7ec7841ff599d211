"""`GET /audit`: workspace admins read who did what; `?format=` streams it all."""

import json

import pytest

from agents.models import AuditEntry
from agents.services import tokens
from tests.helpers import Api, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, client, user):
    kim = make_user("Admin", username="kim")
    _, secret = tokens.create_api_token(user=kim, name="audit")
    return Api(client, secret)


def test_each_api_write_is_audited_with_its_request_id_and_address(api, admin):
    created = api.call("post", "/agents", {"name": "Front desk"}, headers={"X-Request-ID": "abc-1"})
    assert created["X-Request-ID"] == "abc-1"
    body = admin.get("/audit?action=agent.create").json()
    [entry] = body["data"]
    assert entry["object"] == created.json()["id"]
    assert (entry["via"], entry["request_id"], entry["ip"]) == ("api", "abc-1", "127.0.0.1")
    assert entry["actor"].startswith("user")
    assert entry["workspace"].startswith("ws_")
    assert body["next"] is None


def test_pages_filters_and_exports(api, admin):
    for n in range(3):
        api.post("/agents", {"name": f"Agent {n}"})
    first = admin.get("/audit?limit=2").json()
    assert len(first["data"]) == 2
    assert "before=" in first["next"]
    rest = admin.get(first["next"].split("/api/v1")[1]).json()
    assert len(rest["data"]) >= 1
    exported = admin.get("/audit?format=jsonl")
    assert exported["Content-Type"] == "application/x-ndjson"
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert len(lines) == AuditEntry.objects.count()
    assert json.loads(lines[0])["id"] < json.loads(lines[-1])["id"]  # oldest first
    csv = admin.get("/audit?format=csv")
    assert b"".join(csv.streaming_content).decode().startswith("id,at,actor,via")
    assert "attachment" in csv["Content-Disposition"]


def test_only_admins_and_only_their_workspaces(api, admin, make_api):
    error(api.get("/audit"), 403, "permission_denied")  # a releaser, not an admin
    error(admin.get("/audit?workspace=ws_aaaaaaaaaa"), 404, "not_found")
    error(admin.get("/audit?color=red"), 422, "validation_error")
    error(admin.get("/audit?format=xml"), 422, "validation_error")
