"""`/agents/{id}/branches`: create from any reference, list, delete; each branch's
draft read, replaced and merge-patched like the main draft, If-Match included; a
branch reference resolves for runtimes."""

import pytest

from tests.helpers import edit, error

pytestmark = pytest.mark.django_db


def test_a_branch_through_the_api(api, agent, make_version, user):
    make_version(agent, {"llm": {"temperature": 0.5}})
    created = api.post(f"/agents/{agent.public_id}/branches", {"name": "calmer", "from": "v1"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["base"] == {
        "ref": "v1",
        "revision": None,
        "version": 1,
        "content_hash": body["head"]["content_hash"],
    }
    assert body["change_request"] is None
    path = f"/agents/{agent.public_id}/branches/calmer/draft"
    draft = api.get(path).json()
    assert draft["config"]["llm"]["temperature"] == 0.5
    patched = api.patch(
        path,
        {"config": {"llm": {"temperature": 0.2}}},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["revision"] == draft["revision"] + 1
    stale = api.patch(
        path,
        {"config": {"llm": {"temperature": 0.3}}},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    error(stale, 412, "draft_conflict")  # as the main draft answers a stale If-Match
    agent.draft.refresh_from_db()
    assert agent.draft.config["llm"]["temperature"] != 0.2  # the main draft is untouched
    listed = api.get(f"/agents/{agent.public_id}/branches").json()["data"]
    assert [b["name"] for b in listed] == ["calmer"]
    revisions = api.get(f"/agents/{agent.public_id}/revisions").json()["data"]
    assert revisions[0]["branch"] == "calmer"
    resolved = api.get(f"/resolve/{agent.public_id}@draft:calmer")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["config"]["llm"]["temperature"] == 0.2
    started = api.post("/conversations", {"agent": f"{agent.public_id}@draft:calmer"})
    assert started.status_code == 201, started.content
    assert started.json()["version"] == "draft:calmer"
    api.patch(path, {"config": {"llm": {"temperature": 0.9}}})  # the branch moves on
    bound = api.get(f"/conversations/{started.json()['id']}").json()
    assert bound["version"] == "draft:calmer"  # the same binding, forever
    assert bound["config"]["llm"]["temperature"] == 0.2
    assert api.delete(f"/agents/{agent.public_id}/branches/calmer").status_code == 204
    error(api.get(path), 404, "not_found")


def test_bad_input_is_refused_and_changes_nothing(api, agent, user):
    edit(agent, {"llm": {"temperature": 0.4}}, user=user)
    for body, where in (
        ({"name": "Bad Name"}, "name"),
        ({"name": "ok", "from": "v9"}, None),
        ({"name": "ok", "extra": 1}, None),
    ):
        response = api.post(f"/agents/{agent.public_id}/branches", body)
        assert response.status_code in (404, 422), response.content
        if where:
            assert response.json()["error"]["details"][0]["path"] == where
    assert api.get(f"/agents/{agent.public_id}/branches").json()["data"] == []
    error(api.get(f"/agents/{agent.public_id}/branches/none/draft"), 404, "not_found")


def test_viewers_read_but_do_not_branch(make_api, agent):
    viewer = make_api("Viewer")
    assert viewer.get(f"/agents/{agent.public_id}/branches").status_code == 200
    error(
        viewer.post(f"/agents/{agent.public_id}/branches", {"name": "x"}), 403, "permission_denied"
    )


def test_reviews_required_through_the_agent(api, make_api, agent):
    patched = api.patch(f"/agents/{agent.public_id}", {"reviews_required": 1})
    assert patched.json()["reviews_required"] == 1
    error(
        make_api("Editor").patch(f"/agents/{agent.public_id}", {"reviews_required": 0}),
        403,
        "permission_denied",
    )
    assert api.patch(f"/agents/{agent.public_id}", {"reviews_required": 3}).status_code == 422
