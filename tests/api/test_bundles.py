"""Config as code, first half: an agent exported as a bundle (JSON or YAML), from the
API, the console and `manage.py export_agents`."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from agents.domain.config import content_hash
from agents.services import agents, labels, releases, versions
from tests.helpers import edit, error

pytestmark = pytest.mark.django_db

LONG_PROMPT = "You are the receptionist.\nConfirm names.\nNever guess dates."


@pytest.fixture
def history(agent, make_version, user):
    edit(agent, {"prompt": {"system_prompt": LONG_PROMPT}}, user=user)
    v1 = versions.save_version(agent=agent, name="Receptionist", user=user)
    releases.release_version(version=v1, user=user, note="Launch")
    v2 = make_version(agent, {"llm": {"temperature": 0.2}}, name="Cooler")
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
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
    prompt = agents.create_agent(name="Shared", user=user, kind="prompt")
    assert viewer.get(f"/agents/{prompt.public_id}/export").status_code == 404


def test_a_bundle_imports_as_a_new_agent_with_the_same_numbers_and_hashes(api, history):
    bundle = api.get(f"/agents/{history.public_id}/export").json()
    created = api.post("/agents/import", bundle)
    assert created.status_code == 201, created.content
    copy = api.get(f"/agents/{created.json()['id']}/export").json()
    assert [(v["number"], v["content_hash"]) for v in copy["versions"]] == [
        (v["number"], v["content_hash"]) for v in bundle["versions"]
    ]
    assert copy["labels"] == bundle["labels"]
    assert copy["draft"] == bundle["draft"]
    assert copy["agent"] == {**bundle["agent"], "id": copy["agent"]["id"]}


def yaml_post(api, text):
    return api.client.post(
        "/api/v1/agents/import",
        data=text,
        content_type="application/yaml",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )


def test_a_yaml_bundle_imports_too(api, history):
    text = api.get(f"/agents/{history.public_id}/export?format=yaml").content.decode()
    created = yaml_post(api, text)
    assert created.status_code == 201, created.content


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda b: b.update(format="other/9"), "format"),
        (lambda b: b["versions"][1].update(content_hash="0" * 64), "versions[1].content_hash"),
        (
            lambda b: b["versions"][0]["config"]["llm"].update(temperature=9),
            "versions[0].config.llm.temperature",
        ),
        (lambda b: b["labels"].update(staging=7), "labels.staging"),
        (lambda b: b["versions"][1].update(number=5), "versions[1].number"),
        (lambda b: b["agent"].pop("name"), "agent.name"),
        (lambda b: b["agent"].update(name="  "), "agent.name"),
        (lambda b: b.update(agent={}), "agent.name"),
        (lambda b: b.update(agent=None), "agent"),
        (lambda b: b.update(agent="Clinic"), "agent"),
    ],
)
def test_a_tampered_or_foreign_bundle_is_refused_and_creates_nothing(api, history, change, path):
    from agents.models import Agent

    bundle = api.get(f"/agents/{history.public_id}/export").json()
    change(bundle)
    before = Agent.objects.count()
    found = error(api.post("/agents/import", bundle), 422, "validation_error")
    assert path in {d["path"] for d in found["details"]}
    assert Agent.objects.count() == before


def test_yaml_aliases_are_refused_and_viewers_cannot_import(api, make_api, history):
    def post_yaml(path, text):
        return api.client.post(
            f"/api/v1{path}",
            data=text,
            content_type="application/yaml",
            HTTP_AUTHORIZATION=f"Bearer {api.token}",
        )

    bomb = 'a: &a ["x", "x"]\nb: [*a, *a]\n'
    refused = error(post_yaml("/agents/import", bomb), 400, "bad_request")
    assert "aliases are not accepted" in refused["message"]
    deep = "a: " + "[" * 5000
    for path in ("/agents/import", f"/agents/{history.public_id}/draft/import?dry_run=1"):
        nested = error(post_yaml(path, deep), 400, "bad_request")
        assert nested["message"].startswith("not readable as YAML")
    bundle = api.get(f"/agents/{history.public_id}/export").json()
    error(make_api("Viewer").post("/agents/import", bundle), 403, "permission_denied")


def test_the_document_states_the_yaml_answer(client):
    document = client.get("/api/v1/openapi.json").json()
    answer = document["paths"]["/api/v1/agents/{agent_id}/export"]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"application/json", "application/yaml"}
    assert answer["content"]["application/yaml"]["schema"]["type"] == "object"
