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
    body = {"name": "Bad", "text": "Hi {{who}}", "variables": [{"name": "who", "type": "list"}]}
    found = error(api.post("/prompts", body), 422, "validation_error")
    assert found["details"][0]["path"] == "variables[0].type"
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


def test_resolve_and_conversations_carry_the_linked_prompts(api, prompt, agent):
    link = {"prompt": prompt, "variables": {"company": "Acme"}}
    api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": [link]}})
    number = api.post(f"/agents/{agent.public_id}/versions", {"name": "Notice"}).json()["number"]
    api.post(f"/agents/{agent.public_id}/release", {"version": number})
    first = api.get(f"/resolve/{agent.public_id}")
    assert first.json()["prompts"] == [
        {
            "prompt": prompt,
            "role": "main",
            "sort_order": 0,
            "version": 1,
            "text": "Calls with Acme are recorded.",
        }
    ]
    etag = first["ETag"]
    assert (
        api.get(f"/resolve/{agent.public_id}", headers={"If-None-Match": etag}).status_code == 304
    )
    started = api.post("/conversations", {"agent": agent.public_id}).json()
    assert started["prompts"][0]["version"] == 1
    api.put(
        f"/prompts/{prompt}/draft",
        {"text": "{{company}} records calls.", "variables": NOTICE["variables"]},
    )
    api.post(f"/prompts/{prompt}/versions", {"name": "Plain"})
    api.post(f"/prompts/{prompt}/release", {"version": 2})
    second = api.get(f"/resolve/{agent.public_id}", headers={"If-None-Match": etag})
    assert second.status_code == 200
    assert second["ETag"] != etag
    assert second.json()["prompts"][0]["text"] == "Acme records calls."
    kept = api.get(f"/conversations/{started['id']}").json()
    assert (kept["prompts"][0]["version"], kept["prompts"][0]["text"]) == (
        1,
        "Calls with Acme are recorded.",
    )
    assert (
        api.post("/conversations", {"agent": agent.public_id}).json()["prompts"][0]["version"] == 2
    )


def test_a_followed_prompt_release_reaches_resolve_through_the_shared_cache(
    with_redis, api, prompt, agent, django_capture_on_commit_callbacks
):
    link = {"prompt": prompt, "variables": {"company": "Acme"}}
    api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": [link]}})
    number = api.post(f"/agents/{agent.public_id}/versions", {"name": "Notice"}).json()["number"]
    api.post(f"/agents/{agent.public_id}/release", {"version": number})
    assert api.get(f"/resolve/{agent.public_id}").json()["prompts"][0]["version"] == 1
    api.put(
        f"/prompts/{prompt}/draft", {"text": "New, {{company}}.", "variables": NOTICE["variables"]}
    )
    api.post(f"/prompts/{prompt}/versions", {"name": "Plain"})
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/prompts/{prompt}/release", {"version": 2})
    assert api.get(f"/resolve/{agent.public_id}").json()["prompts"][0]["text"] == "New, Acme."


def test_a_release_that_would_break_a_following_link_is_refused(api, prompt, agent):
    link = {"prompt": prompt, "variables": {"company": "Acme"}}
    api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": [link]}})
    needs_more = {
        "text": "{{company}} records calls for {{purpose}}.",
        "variables": [*NOTICE["variables"], {"name": "purpose", "type": "string"}],
    }
    api.put(f"/prompts/{prompt}/draft", needs_more)
    api.post(f"/prompts/{prompt}/versions", {"name": "With a purpose"})
    refused = error(api.post(f"/prompts/{prompt}/release", {"version": 2}), 422, "validation_error")
    assert refused["details"][0]["path"] == f"{agent.public_id}@draft.variables.purpose"
    assert api.get(f"/prompts/{prompt}").json()["released_version"] == 1


def _following(api, prompt, agent):
    link = {"prompt": prompt, "variables": {"company": "Acme"}}
    api.patch(f"/agents/{agent.public_id}/draft", {"config": {"prompt_links": [link]}})
    number = api.post(f"/agents/{agent.public_id}/versions", {"name": "Notice"}).json()["number"]
    api.post(f"/agents/{agent.public_id}/release", {"version": number})


def test_the_hot_path_reads_one_pointer_per_followed_prompt(
    api, prompt, agent, django_assert_num_queries
):
    """Per-process cache: the agent's pointer and the prompt's, as each may move in
    another process; both versions come from the forever cache."""
    _following(api, prompt, agent)
    api.get(f"/resolve/{agent.public_id}")
    with django_assert_num_queries(2):
        assert api.get(f"/resolve/{agent.public_id}").json()["prompts"][0]["version"] == 1


def test_with_redis_a_warm_resolve_of_a_following_agent_needs_no_sql(
    with_redis, api, prompt, agent, django_assert_num_queries
):
    _following(api, prompt, agent)
    api.get(f"/resolve/{agent.public_id}")
    with django_assert_num_queries(0):
        assert api.get(f"/resolve/{agent.public_id}").json()["prompts"][0]["version"] == 1


def test_a_prompt_can_require_approvals_like_an_agent(api, make_api, prompt):
    assert (
        api.patch(f"/prompts/{prompt}", {"approvals_required": 1}).json()["approvals_required"] == 1
    )
    api.put(f"/prompts/{prompt}/draft", {"text": "Reworded.", "variables": []})
    api.post(f"/prompts/{prompt}/versions", {"name": "Reworded"})
    error(api.post(f"/prompts/{prompt}/release", {"version": 2}), 409, "approval_required")
    # Labels, requests and revisions of a prompt live where an agent's do (its id differs).
    asked = api.post(f"/agents/{prompt}/release-requests", {"version": 2})
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    error(api.post(f"/release-requests/{request_id}/approve", {}), 403, "self_approval")
    reviewer = make_api("Releaser")
    assert reviewer.post(f"/release-requests/{request_id}/approve", {}).status_code == 200
    released = reviewer.post(f"/release-requests/{request_id}/release", {})
    assert released.status_code == 200, released.content
    assert api.get(f"/prompts/{prompt}").json()["released_version"] == 2
    assert api.get(f"/agents/{prompt}/revisions").status_code == 200


def test_the_prompt_versions_a_conversation_started_with_never_change(api, prompt, agent):
    from django.db import IntegrityError, connection, transaction

    from agents.models import Conversation

    _following(api, prompt, agent)
    started = api.post("/conversations", {"agent": agent.public_id}).json()["id"]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agents_conversation SET prompt_versions = %s WHERE public_id = %s",
            ['[{"prompt": "pr_aaaaaaaaaa", "role": "main", "version": 9}]', started],
        )
    kept = Conversation.objects.get(public_id=started).prompt_versions
    assert kept == [{"prompt": prompt, "role": "main", "version": 1}]
