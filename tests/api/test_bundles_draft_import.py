"""Config as code, second half: a configuration into a draft (dry run first, If-Match
honoured), and `manage.py import_agents` kept idempotent."""

import pytest
import yaml

from agents.domain.config import default_config
from agents.models import DraftRevision
from tests.helpers import error

pytestmark = pytest.mark.django_db


def _config(**prompt):
    config = default_config()
    config["prompt"].update(prompt)
    return config


def test_a_dry_run_shows_the_diff_and_writes_nothing(api, agent):
    before = agent.draft.revision
    response = api.post(
        f"/agents/{agent.public_id}/draft/import?dry_run=1",
        {"config": _config(system_prompt="Imported prompt")},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["draft"] is None
    assert [c["path"] for c in body["changes"]] == ["prompt.system_prompt"]
    assert body["changes"][0]["new"] == "Imported prompt"
    assert body["summary"]["changed"] == 1
    assert body["unmapped"] == []
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before


def test_without_dry_run_the_draft_is_written_and_if_match_is_honoured(api, agent):
    path = f"/agents/{agent.public_id}/draft/import"
    revision = agent.draft.revision
    stale = api.post(
        path, {"config": _config(system_prompt="x")}, headers={"If-Match": f'"{revision - 1}"'}
    )
    error(stale, 412, "draft_conflict")
    dry_stale = api.post(
        f"{path}?dry_run=1", {"config": _config()}, headers={"If-Match": f'"{revision + 5}"'}
    )
    error(dry_stale, 412, "draft_conflict")
    written = api.post(
        path, {"config": _config(system_prompt="Imported")}, headers={"If-Match": f'"{revision}"'}
    )
    assert written.status_code == 200, written.content
    assert written.json()["draft"]["revision"] == revision + 1
    assert written.json()["draft"]["config"]["prompt"]["system_prompt"] == "Imported"
    assert DraftRevision.objects.filter(agent=agent).latest("number").reason == "Imported"


def test_bad_input_is_a_422_by_path_and_changes_nothing(api, agent):
    path = f"/agents/{agent.public_id}/draft/import"
    before = agent.draft.revision
    bad = api.post(path, {"config": {"llm": {"temperature": 9}}})
    assert error(bad, 422, "validation_error")["details"][0]["path"] == ("config.llm.temperature")
    error(api.post(path, {"nothing": 1}), 422, "validation_error")
    error(api.post(f"{path}?source=vapi", {"hello": "world"}), 422, "validation_error")
    error(api.post(f"{path}?source=myspace", {"config": {}}), 422, "validation_error")
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before


def test_a_yaml_body_is_read_too(api, agent):
    body = yaml.safe_dump({"config": _config(welcome_message="Hi from git")})
    response = api.client.post(
        f"/api/v1/agents/{agent.public_id}/draft/import?dry_run=1",
        data=body,
        content_type="application/yaml",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["changes"][0]["new"] == "Hi from git"


def test_viewers_cannot_import_into_a_draft(make_api, agent):
    viewer = make_api("Viewer")
    response = viewer.post(
        f"/agents/{agent.public_id}/draft/import?dry_run=1", {"config": _config()}
    )
    error(response, 403, "permission_denied")
