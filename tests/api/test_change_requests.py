"""`/change-requests`: open from a branch, comment with a suggestion and apply it,
review, see the merge preview, merge with a conflict resolved — and the refusals by
code (merge_conflict, review_required, self_approval, invalid_state)."""

import pytest

from agents.services import agents, branches
from tests.helpers import edit, error

pytestmark = pytest.mark.django_db

PROMPT = "\n".join(f"Paragraph {i}." for i in range(1, 7))


def set_line(index, new):
    lines = PROMPT.split("\n")
    lines[index] = new
    return "\n".join(lines)


@pytest.fixture
def setup(api, agent, user):
    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=user)
    branches.create_branch(agent=agent, name="refunds", user=user)
    path = f"/agents/{agent.public_id}/branches/refunds/draft"
    api.patch(path, {"config": {"prompt": {"system_prompt": set_line(2, "Paragraph 3: refund.")}}})
    return agent


def test_the_whole_flow(api, make_api, setup, user):
    agent = setup
    opened = api.post(
        f"/agents/{agent.public_id}/change-requests",
        {"branch": "refunds", "title": "Refund policy", "description": "As agreed"},
    )
    assert opened.status_code == 201, opened.content
    cr = opened.json()
    assert cr["status"] == "open"
    assert [c["path"] for c in cr["changes"]] == ["prompt.system_prompt"]
    assert cr["merge"]["clean"] is True
    reviewer = make_api("Editor", "Releaser")
    note = reviewer.post(
        f"/change-requests/{cr['id']}/comments",
        {
            "path": "prompt.system_prompt",
            "line": 3,
            "body": "Say within 30 days",
            "suggestion": "Paragraph 3: refund within 30 days.",
        },
    )
    assert note.status_code == 201, note.content
    comment = note.json()
    assert (comment["outdated"], comment["resolved"]) == (False, False)
    applied = api.post(f"/change-requests/{cr['id']}/comments/{comment['id']}/apply", {})
    assert applied.status_code == 200, applied.content
    error(
        api.post(f"/change-requests/{cr['id']}/comments/{comment['id']}/apply", {}),
        409,
        "invalid_state",
    )
    replied = api.post(
        f"/change-requests/{cr['id']}/comments/{comment['id']}/replies", {"body": "Done"}
    )
    assert replied.json()["replies"][0]["body"] == "Done"
    # the draft meanwhile changes the same line: a conflict
    edit(agent, {"prompt": {"system_prompt": set_line(2, "Paragraph 3: no refunds.")}}, user=user)
    agents.update_agent(agent=agent, user=user, reviews_required=1)
    error(api.post(f"/change-requests/{cr['id']}/merge", {}), 409, "review_required")
    error(
        api.post(f"/change-requests/{cr['id']}/reviews", {"verdict": "approve"}),
        403,
        "self_approval",
    )
    approved = reviewer.post(f"/change-requests/{cr['id']}/reviews", {"verdict": "approve"})
    assert approved.status_code == 201, approved.content
    conflict = error(api.post(f"/change-requests/{cr['id']}/merge", {}), 409, "merge_conflict")
    assert conflict["details"][0]["path"] == "prompt.system_prompt"
    seen = api.get(f"/change-requests/{cr['id']}").json()
    assert seen["merge"]["conflicts"][0]["merged"].startswith("Paragraph 1.")
    assert seen["reviews"][0]["stale"] is False
    merged = api.post(
        f"/change-requests/{cr['id']}/merge",
        {"resolutions": {"prompt.system_prompt": "branch"}},
        headers={"If-Match": f'"{agent.draft.__class__.objects.get(agent=agent).revision}"'},
    )
    assert merged.status_code == 200, merged.content
    assert "within 30 days" in merged.json()["draft"]["config"]["prompt"]["system_prompt"]
    done = api.get(f"/change-requests/{cr['id']}").json()
    assert (done["status"], done["merged_revision"], done["merge"]) == (
        "merged",
        merged.json()["revision"],
        None,
    )
    error(api.post(f"/change-requests/{cr['id']}/close", {}), 409, "invalid_state")
    listed = api.get(f"/agents/{agent.public_id}/change-requests?status=merged").json()["data"]
    assert [c["id"] for c in listed] == [cr["id"]]


def test_waiting_for_my_review_and_bad_input(api, make_api, setup):
    agent = setup
    cr = api.post(
        f"/agents/{agent.public_id}/change-requests", {"branch": "refunds", "title": "R"}
    ).json()
    other = make_api("Editor")
    assert [c["id"] for c in other.get("/change-requests?waiting=true").json()["data"]] == [
        cr["id"]
    ]
    assert api.get("/change-requests?waiting=true").json()["data"] == []
    bad = other.post(f"/change-requests/{cr['id']}/comments", {"path": "llm.nothing", "body": "x"})
    assert bad.status_code == 422
    assert (
        other.post(f"/change-requests/{cr['id']}/reviews", {"verdict": "lgtm"}).status_code == 422
    )
    error(
        api.post(f"/change-requests/{cr['id']}/merge", {"resolutions": {"llm.model": "draft"}}),
        422,
        "validation_error",
    )
    error(api.get("/change-requests/cr_nothing"), 404, "not_found")
    error(
        api.post(
            f"/agents/{agent.public_id}/change-requests", {"branch": "refunds", "title": "Again"}
        ),
        409,
        "invalid_state",
    )
    closed = api.post(f"/change-requests/{cr['id']}/close", {}).json()
    assert closed["status"] == "closed"
    assert api.post(f"/change-requests/{cr['id']}/reopen", {}).json()["status"] == "open"


def test_a_comment_is_corrected_by_its_author_only(api, make_api, setup):
    agent = setup
    cr = api.post(
        f"/agents/{agent.public_id}/change-requests", {"branch": "refunds", "title": "R"}
    ).json()
    note = api.post(f"/change-requests/{cr['id']}/comments", {"body": "Typo"}).json()
    fixed = api.patch(f"/change-requests/{cr['id']}/comments/{note['id']}", {"body": "Fixed"})
    assert (fixed.status_code, fixed.json()["body"]) == (200, "Fixed")
    other = make_api("Editor")
    error(
        other.patch(f"/change-requests/{cr['id']}/comments/{note['id']}", {"body": "x"}),
        403,
        "permission_denied",
    )
