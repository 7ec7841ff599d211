"""Draft revisions in the API, and the one reference grammar (`rN` included)."""

import pytest

from agents.models import Conversation, DraftRevision
from agents.services import versions
from tests.helpers import edit, error, run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(agent, user):
    """r1 created, r2 temperature 0.2, r3 temperature 0.4 and a welcome message."""
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"llm": {"temperature": 0.4}, "prompt": {"welcome_message": "Hi"}}, user=user)
    return agent


def test_revisions_are_listed_newest_first_with_who_when_why_and_what(api, edited, user):
    pid = edited.public_id
    body = api.get(f"/agents/{pid}/revisions").json()
    assert [r["label"] for r in body["data"]] == ["r3", "r2", "r1"]
    newest = body["data"][0]
    assert newest["updated_by"] == user.username
    assert newest["reason"] == "Edited"
    assert sorted(newest["changed"]) == ["llm.temperature", "prompt.welcome_message"]
    assert "config" not in newest
    assert body["next"] is None
    paged = api.get(f"/agents/{pid}/revisions?limit=2").json()
    assert [r["revision"] for r in paged["data"]] == [3, 2]
    assert paged["next"].endswith("limit=2&offset=2")
    assert [r["revision"] for r in api.get(paged["next"].split("/api/v1")[1]).json()["data"]] == [1]


def test_one_revision_holds_exactly_what_the_draft_held(api, edited):
    pid = edited.public_id
    body = api.get(f"/agents/{pid}/revisions/2").json()
    assert body["config"]["llm"]["temperature"] == 0.2
    assert body["content_hash"] == DraftRevision.objects.get(agent=edited, number=2).content_hash
    versions.save_version(agent=edited, name="Now", user=edited.created_by)
    assert api.get(f"/agents/{pid}/revisions/3").json()["versions"] == [1]
    error(api.get(f"/agents/{pid}/revisions/9"), 404, "not_found")
    error(api.get(f"/agents/{pid}/revisions/0"), 404, "not_found")


def test_restoring_a_revision_is_a_new_revision_that_names_its_source(api, edited):
    pid = edited.public_id
    stale = api.post(f"/agents/{pid}/restore", {"revision": 2}, headers={"If-Match": '"2"'})
    assert error(stale, 412, "draft_conflict")["details"]["current_revision"] == 3
    restored = api.post(f"/agents/{pid}/restore", {"revision": 2}, headers={"If-Match": '"3"'})
    assert restored.status_code == 200, restored.content
    body = restored.json()
    assert (body["revision"], body["restored_from_revision"]) == (4, 2)
    assert body["config"]["llm"]["temperature"] == 0.2
    newest = api.get(f"/agents/{pid}/revisions?limit=1").json()["data"][0]
    assert (newest["reason"], newest["restored_from_revision"]) == ("Restored r2", 2)
    both = api.post(f"/agents/{pid}/restore", {"revision": 1, "version": 1})
    error(both, 422, "validation_error")
    error(api.post(f"/agents/{pid}/restore", {}), 422, "validation_error")
    error(api.post(f"/agents/{pid}/restore", {"revision": 99}), 404, "not_found")
    assert DraftRevision.objects.filter(agent=edited).count() == 4


def test_every_reader_accepts_a_revision_and_answers_the_resolved_form(api, edited, user):
    pid = edited.public_id
    resolved = api.get(f"/resolve/{pid}@r2")
    assert resolved.json()["version"] == "r2"
    assert resolved.json()["config"]["llm"]["temperature"] == 0.2
    etag = resolved["ETag"]
    assert api.get(f"/resolve/{pid}@r2", headers={"If-None-Match": etag}).status_code == 304

    started = api.post("/conversations", {"agent": f"{pid}@r2"}).json()
    assert started["version"] == "r2"
    edit(edited, {"llm": {"temperature": 0.9}}, user=user)
    again = api.get(f"/conversations/{started['id']}").json()
    assert (again["version"], again["config"]["llm"]["temperature"]) == ("r2", 0.2)
    assert Conversation.objects.get(public_id=started["id"]).revision == 2

    diff = api.get(f"/agents/{pid}/diff?from=r2&to=draft").json()
    assert (diff["from"], diff["to"]) == ("r2", "draft")
    assert {c["path"] for c in diff["changes"]} == {"llm.temperature", "prompt.welcome_message"}


def test_unknown_or_malformed_references_are_404_and_released_without_release_409(api, edited):
    pid = edited.public_id
    for ref in ("r99", "v9", "nope", "r", "v-1", "r1.5", "@@"):
        error(api.get(f"/resolve/{pid}@{ref}"), 404, "not_found")
    error(api.get(f"/agents/{pid}/diff?from=r99&to=draft"), 404, "not_found")
    error(api.get(f"/agents/{pid}/diff?from=latest&to=draft"), 404, "not_found")
    error(api.get(f"/agents/{pid}/diff?from=released&to=draft"), 409, "agent_not_published")
    error(api.get(f"/resolve/{pid}@released"), 409, "agent_not_published")
    error(api.post("/conversations", {"agent": f"{pid}@r77"}), 404, "not_found")
    assert not Conversation.objects.exists()


def test_an_eval_run_on_a_revision_says_so(api, edited):
    suite = api.post(
        f"/agents/{edited.public_id}/suites",
        {
            "name": "Smoke",
            "cases": [{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
        },
    ).json()
    run = api.post(f"/suites/{suite['id']}/runs", {"target": "r2"})
    assert run.status_code == 202, run.content
    assert run.json()["target"] == "r2"
    run_worker()
    assert api.get(f"/runs/{run.json()['id']}").json()["status"] == "passed"


def test_listing_revisions_costs_the_same_queries_for_3_or_200(
    api, edited, user, django_assert_max_num_queries
):
    url = f"/agents/{edited.public_id}/revisions"
    with django_assert_max_num_queries(8) as few:
        assert len(api.get(url).json()["data"]) == 3
    for i in range(197):
        edit(edited, {"prompt": {"welcome_message": f"Hi {i}"}}, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(url).json()["data"]) == 50


def test_channels_serve_versions_not_revisions(api, edited):
    for target in ("r2", {"revision": 2}):
        body = {"name": "Line", "kind": "web", "agent": edited.public_id, "target": target}
        error(api.post("/channels", body), 422, "validation_error")
