"""Config as code, second half: a configuration into a draft (dry run first, If-Match
honoured), and `manage.py import_agents` kept idempotent."""

import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from agents.domain.config import default_config
from agents.models import Agent, DraftRevision, PublishedVersion
from agents.selectors import agents
from agents.services import releases
from tests.helpers import edit, error

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


# ------------------------------------------------------------------ import_agents


def test_import_agents_creates_then_changes_nothing_then_follows_the_files(api, history_dir, user):
    directory, agent = history_dir
    call_command(
        "import_agents", str(directory), user="operator"
    )  # the files name agents that exist
    counts = (
        Agent.objects.count(),
        PublishedVersion.objects.count(),
        DraftRevision.objects.count(),
    )
    call_command("import_agents", str(directory), user="operator")
    assert counts == (
        Agent.objects.count(),
        PublishedVersion.objects.count(),
        DraftRevision.objects.count(),
    )
    # Edited in git: the draft's prompt changes; importing writes it, once.
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["draft"]["config"]["prompt"]["system_prompt"] = "Edited in git"
    path.write_text(yaml.safe_dump(bundle, sort_keys=False))
    call_command("import_agents", str(directory), user="operator")
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["system_prompt"] == "Edited in git"
    revision = agent.draft.revision
    call_command("import_agents", str(directory), user="operator")
    agent.draft.refresh_from_db()
    assert agent.draft.revision == revision


def test_import_agents_creates_agents_it_does_not_know(api, history_dir):
    directory, _agent = history_dir
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["agent"] = {"name": "Moved here", "description": ""}  # from elsewhere: no id
    (directory / "moved.json").write_text(json.dumps(bundle))
    call_command("import_agents", str(directory), user="operator")
    moved = Agent.objects.get(name="Moved here")
    assert list(moved.versions.values_list("content_hash", flat=True).order_by("number")) == [
        v["content_hash"] for v in bundle["versions"]
    ]
    assert moved.released_version.number == bundle["labels"]["released"]


def test_import_agents_refuses_a_diverged_or_tampered_file_and_says_why(api, history_dir, capsys):
    directory, _agent = history_dir
    path = next(directory.glob("*.yaml"))
    bundle = yaml.safe_load(path.read_text())
    bundle["versions"][0]["config"]["llm"]["temperature"] = 1.9
    path.write_text(yaml.safe_dump(bundle))
    versions = PublishedVersion.objects.count()
    with pytest.raises(CommandError):
        call_command("import_agents", str(directory), user="operator")
    assert "versions[0].content_hash" in capsys.readouterr().err
    assert PublishedVersion.objects.count() == versions


@pytest.fixture
def history_dir(agent, make_version, user, tmp_path):
    v1 = make_version(agent, {"prompt": {"system_prompt": "First\nSecond line"}})
    releases.release_version(version=v1, user=user)
    make_version(agent, {"llm": {"temperature": 0.2}})
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    call_command("export_agents", str(tmp_path))
    assert agents.agent_for_page(agent.public_id)
    return tmp_path, agent
