"""Every error the API answers is one envelope, with the status each domain error maps to."""

import pytest

from tests.helpers import error

pytestmark = pytest.mark.django_db


def test_domain_errors_map_to_their_status(api, agent, released):
    error(api.get("/agents/ag_aaaaaaaaaa"), 404, "not_found")
    error(api.post("/agents/ag_aaaaaaaaaa/versions", {"name": "x"}), 404, "not_found")
    error(api.post(f"/agents/{agent.public_id}/versions", {"name": "Same"}), 409, "no_changes")
    stale = api.call(
        "PATCH", f"/agents/{agent.public_id}/draft", {"config": {}}, headers={"If-Match": '"99"'}
    )
    error(stale, 412, "draft_conflict")


def test_framework_errors_use_the_same_envelope(api, make_api):
    error(api.post("/agents", raw="{not json"), 400, "bad_request")
    refused = error(api.post("/agents", {"name": 3}), 422, "validation_error")
    assert refused["details"][0]["path"] == "name"
    error(make_api("Viewer").post("/agents", {"name": "No"}), 403, "permission_denied")
    error(api.call("DELETE", "/agents"), 405, "method_not_allowed")
