"""Config as code, first half: an agent exported as a bundle (JSON or YAML), from the
API, the console and `manage.py export_agents`."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from agents import services
from agents.domain.config import content_hash
from tests.helpers import edit

pytestmark = pytest.mark.django_db

LONG_PROMPT = "You are the receptionist.\nConfirm names.\nNever guess dates."


@pytest.fixture
def history(agent, make_version, user):
    edit(agent, {"prompt": {"system_prompt": LONG_PROMPT}}, user=user)
    v1 = services.save_version(agent=agent, name="Receptionist", user=user)
    services.release_version(version=v1, user=user, note="Launch")
    v2 = make_version(agent, {"llm": {"temperature": 0.2}}, name="Cooler")
    services.move_label(agent=agent, name="staging", version=v2, user=user)
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    return agent


def test_the_bundle_has_the_draft_every_version_labels_and_the_log(api, history):
    bundle = api.get(f"/agents/{history.public_id}/export").json()
    assert list(bundle) == ["format", "agent", "draft", "versions", "labels", "releases"]
    assert bundle["format"] == "agent-console/1"
    assert bundle["agent"]["name"] == history.name
    assert bundle["draft"]["config"]["llm"]["temperature"] == 0.3
    assert [v["number"] for v in bundle["versions"]] == [1, 2]
    for version in bundle["versions"]:
        assert version["content_hash"] == content_hash(version["config"])
    assert bundle["labels"] == {"released": 1, "staging": 2}
    assert [(r["label"], r["version"], r["note"]) for r in bundle["releases"]] == [
        ("released", 1, "Launch"),
        ("staging", 2, ""),
    ]


def test_yaml_is_the_same_bundle_with_long_text_as_block_scalars(api, history):
    response = api.get(f"/agents/{history.public_id}/export?format=yaml")
    assert response["Content-Type"].startswith("application/yaml")
    text = response.content.decode()
    assert text.startswith("format: agent-console/1\nagent:\n")
    assert "system_prompt: |-\n" in text
    assert "      Confirm names.\n" in text
    as_json = api.get(f"/agents/{history.public_id}/export").json()
    assert yaml.safe_load(text) == as_json


def test_the_console_downloads_it_and_the_command_writes_one_file_per_agent(
    api, client, user, history, make_agent, tmp_path
):
    second = make_agent("Second line")
    client.force_login(user)
    response = client.get(reverse("agents:export", args=[history.public_id]))
    assert response["Content-Disposition"] == f'attachment; filename="{history.public_id}.yaml"'
    assert yaml.safe_load(response.content)["agent"]["name"] == history.name
    call_command("export_agents", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"second-line.{second.public_id}.yaml",
        f"support-line.{history.public_id}.yaml",
    ]
    written = (tmp_path / f"support-line.{history.public_id}.yaml").read_text()
    assert yaml.safe_load(written) == api.get(f"/agents/{history.public_id}/export").json()


def test_viewers_may_export_and_prompts_are_not_agents(make_api, history, user):
    viewer = make_api("Viewer")
    assert viewer.get(f"/agents/{history.public_id}/export").status_code == 200
    prompt = services.create_agent(name="Shared", user=user, kind="prompt")
    assert viewer.get(f"/agents/{prompt.public_id}/export").status_code == 404
