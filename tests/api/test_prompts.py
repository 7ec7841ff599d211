"""The prompt library through the API: prompts versioned like agents, links checked,
usage, and `affected` on release."""

import pytest

from agents.models import PromptUse
from tests.helpers import error

pytestmark = pytest.mark.django_db

NOTICE = {
    "name": "Recording notice",
    "text": "Calls with {{company}} are recorded.",
    "variables": [{"name": "company", "type": "string", "default": "us"}],
}


@pytest.fixture
def prompt(api):
    created = api.post("/prompts", NOTICE)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert api.post(f"/prompts/{pid}/versions", {"name": "First"}).status_code == 201
    assert api.post(f"/prompts/{pid}/release", {"version": 1}).status_code == 200
    return pid


def test_a_prompt_has_a_draft_versions_and_a_release(api, prompt):
    got = api.get(f"/prompts/{prompt}").json()
    assert got["id"].startswith("pr_")
    assert (got["status"], got["released_version"], got["latest_version"]) == ("published", 1, 1)
    draft = api.get(f"/prompts/{prompt}/draft").json()
    assert draft["text"] == NOTICE["text"]
    assert draft["variables"][0] == {"name": "company", "type": "string", "default": "us"}
    error(
        api.patch(f"/prompts/{prompt}/draft", {"text": "x"}, headers={"If-Match": '"7"'}),
        412,
        "draft_conflict",
    )
    patched = api.patch(
        f"/prompts/{prompt}/draft",
        {"text": "{{company}} records calls."},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["revision"] == 2
    v2 = api.post(f"/prompts/{prompt}/versions", {"name": "Shorter"}).json()
    assert (v2["number"], v2["text"]) == (2, "{{company}} records calls.")
    assert [v["number"] for v in api.get(f"/prompts/{prompt}/versions").json()["data"]] == [2, 1]
    assert api.get(f"/prompts/{prompt}/versions/1").json()["text"] == NOTICE["text"]
    restored = api.post(f"/prompts/{prompt}/restore", {"version": 1}).json()
    assert restored["text"] == NOTICE["text"]
    assert [p["id"] for p in api.get("/prompts").json()["data"]] == [prompt]
    assert prompt not in {a["id"] for a in api.get("/agents").json()["data"]}
    error(api.get(f"/agents/{prompt}"), 404, "not_found")


def test_bad_prompts_and_bad_links_are_422_by_path(api, prompt, agent):
    body = {"name": "Bad", "text": "Hi {{who}}"}
    assert (
        error(api.post("/prompts", body), 422, "validation_error")["details"][0]["path"] == "text"
    )
    bad = {"text": "x", "variables": [{"name": "n", "type": "number", "default": "two"}]}
    error(api.put(f"/prompts/{prompt}/draft", bad), 422, "validation_error")
    links = [{"prompt": prompt, "variables": {"company": 3}}]
    found = error(
        api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": links}}),
        422,
        "validation_error",
    )
    assert found["details"][0]["path"] == "prompt_links[0].variables.company"
    assert not PromptUse.objects.exists()


def test_usage_and_the_impact_of_a_release(api, prompt, agent):
    link = {"prompt": prompt, "role": "compliance", "variables": {"company": "Acme"}}
    saved = api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": [link]}})
    assert saved.status_code == 200, saved.content
    version = api.post(f"/agents/{agent.public_id}/versions", {"name": "Notice"}).json()["number"]
    api.post(f"/agents/{agent.public_id}/release", {"version": version})
    channel = api.post(
        "/channels", {"name": "Main line", "kind": "phone", "agent": agent.public_id}
    ).json()["id"]
    uses = api.get(f"/prompts/{prompt}/usage").json()["data"]
    assert {(u["ref"].split("@")[1], u["mode"], u["role"]) for u in uses} == {
        ("draft", "following", "compliance"),
        (f"v{version}", "following", "compliance"),
    }
    api.put(
        f"/prompts/{prompt}/draft",
        {"text": "{{company}} records this call.", "variables": NOTICE["variables"]},
    )
    api.post(f"/prompts/{prompt}/versions", {"name": "Plain"})
    preview = api.get(f"/prompts/{prompt}/impact?version=2").json()["affected"]
    released = api.post(f"/prompts/{prompt}/release", {"version": 2}).json()
    assert released["affected"] == preview
    refs = {a["ref"]: a for a in released["affected"]}
    live = refs[f"{agent.public_id}@released"]
    assert live["channels"] == [channel]
    assert (live["before"], live["after"]) == (
        "Calls with Acme are recorded.",
        "Acme records this call.",
    )
    again = api.post(f"/prompts/{prompt}/release", {"version": 2}).json()
    assert again["affected"] == []


def test_roles_apply_to_prompts_as_to_agents(make_api, prompt):
    viewer, editor = make_api("Viewer"), make_api("Editor")
    assert viewer.get(f"/prompts/{prompt}").status_code == 200
    error(viewer.post("/prompts", {"name": "Nope"}), 403, "permission_denied")
    error(viewer.patch(f"/prompts/{prompt}/draft", {"text": "x"}), 403, "permission_denied")
    assert editor.patch(f"/prompts/{prompt}/draft", {"text": "Edited"}).status_code == 200
    error(editor.post(f"/prompts/{prompt}/release", {"version": 1}), 403, "permission_denied")
