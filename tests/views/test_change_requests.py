"""Change requests in the console: open one from a branch, comment on a line with a
suggestion, apply it, review, resolve a conflict and merge; the list of those
waiting for my review."""

import pytest

from agents.models import ChangeRequest
from agents.selectors import branches as branch_selectors
from agents.services import branches, change_requests, drafts
from tests.helpers import edit

pytestmark = pytest.mark.django_db

PROMPT = "\n".join(f"Paragraph {i}." for i in range(1, 7))


def with_line(index, new):
    lines = PROMPT.split("\n")
    lines[index] = new
    return "\n".join(lines)


@pytest.fixture
def cr(agent, make_user):
    ann = make_user("Editor", username="ann")
    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=ann)
    branches.create_branch(agent=agent, name="refunds", user=ann)
    branch = branch_selectors.branch(agent, "refunds")
    config = {**branch.config, "prompt": {**branch.config["prompt"]}}
    config["prompt"]["system_prompt"] = with_line(2, "Paragraph 3: refunds.")
    drafts.update_draft(agent=agent, config=config, user=ann, branch="refunds")
    return change_requests.open_change_request(
        agent=agent, branch="refunds", title="Refunds", user=ann
    )


def test_open_from_the_branch_page(operator_client, agent, user):
    branches.create_branch(agent=agent, name="b", user=user)
    page = operator_client.get(f"/agents/{agent.public_id}/branches/b/").content.decode()
    assert "Open change request" in page
    opened = operator_client.post(
        f"/agents/{agent.public_id}/branches/b/change-request/", {"title": "B", "description": ""}
    )
    cr = ChangeRequest.objects.get()
    assert opened["Location"] == f"/change-requests/{cr.public_id}/"
    empty = operator_client.post(
        f"/agents/{agent.public_id}/branches/b/change-request/", {"title": " "}
    )
    assert (
        "is required" in empty.content.decode() or "open change request" in empty.content.decode()
    )


def test_comment_apply_review_and_merge_with_a_conflict(operator_client, agent, cr, user):
    page = operator_client.get(f"/change-requests/{cr.public_id}/").content.decode()
    assert 'data-testid="merge-clean"' in page
    assert "path=prompt.system_prompt&amp;line=3" in page
    dialog = operator_client.get(
        f"/change-requests/{cr.public_id}/comment/?path=prompt.system_prompt&line=3"
    ).content.decode()
    assert "Paragraph 3: refunds." in dialog
    posted = operator_client.post(
        f"/change-requests/{cr.public_id}/comment/",
        {
            "path": "prompt.system_prompt",
            "line": "3",
            "body": "Add the window",
            "suggest": "1",
            "suggestion": "Paragraph 3: refunds within 30 days.",
        },
        HTTP_HX_REQUEST="true",
    )
    assert posted.status_code == 204
    comment = cr.comments.get()
    applied = operator_client.post(
        f"/change-requests/{cr.public_id}/comments/{comment.public_id}/apply/"
    )
    assert applied.status_code == 302
    assert (
        "within 30 days"
        in branch_selectors.branch(agent, "refunds").config["prompt"]["system_prompt"]
    )
    reviewed = operator_client.post(
        f"/change-requests/{cr.public_id}/review/", {"verdict": "approve", "body": ""}
    )
    assert reviewed.status_code == 302
    edit(agent, {"prompt": {"system_prompt": with_line(2, "Paragraph 3: none.")}}, user=user)
    page = operator_client.get(f"/change-requests/{cr.public_id}/").content.decode()
    assert 'data-testid="conflict"' in page
    agent.draft.refresh_from_db()
    refused = operator_client.post(
        f"/change-requests/{cr.public_id}/merge/",
        {"revision": str(agent.draft.revision), "path-0": "prompt.system_prompt", "text-0": "1"},
        follow=True,
    )
    assert "conflict" in refused.content.decode()
    merged = operator_client.post(
        f"/change-requests/{cr.public_id}/merge/",
        {
            "revision": str(agent.draft.revision),
            "path-0": "prompt.system_prompt",
            "text-0": "1",
            "take-0": "edit",
            "value-0": "Paragraph 3, agreed.\r\nThe rest.",
            "save_as": "Refunds",
        },
    )
    assert merged.status_code == 302
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["system_prompt"] == "Paragraph 3, agreed.\nThe rest."
    assert agent.versions.get(name="Refunds")
    cr.refresh_from_db()
    assert cr.status == "merged"


def test_the_list_shows_what_waits_for_me(operator_client, cr):
    page = operator_client.get("/change-requests/").content.decode()
    assert "Refunds" in page
    assert (
        operator_client.get("/change-requests/?show=merged")
        .content.decode()
        .count('data-testid="change-request-row"')
        == 0
    )


def test_nothing_waiting_points_at_the_open_ones(client, cr):
    client.force_login(cr.author)  # the author reviews nothing of their own
    page = client.get("/change-requests/").content.decode()
    assert "Nothing is waiting for your review." in page
    assert '<a href="?show=open">1 open change request</a>' in page


def test_one_agents_change_requests(operator_client, agent, cr, make_agent):
    other = make_agent("Other line")
    mine = operator_client.get(f"/change-requests/?show=all&agent={agent.public_id}")
    assert mine.content.decode().count('data-testid="change-request-row"') == 1
    theirs = operator_client.get(f"/change-requests/?show=all&agent={other.public_id}")
    assert theirs.content.decode().count('data-testid="change-request-row"') == 0


def test_the_page_costs_the_same_queries_with_2_or_40_comments(
    operator_client, cr, user, make_user, django_assert_max_num_queries
):
    reviewer = make_user("Editor")

    def talk(count):
        for i in range(count):
            note = change_requests.comment(
                cr=cr, user=reviewer, body=f"c{i}", path="prompt.system_prompt", line=1
            )
            change_requests.reply(to=note, user=user, body="ok")
            change_requests.review(cr=cr, user=reviewer, verdict="comment", body=f"r{i}")

    talk(2)
    with django_assert_max_num_queries(22) as few:
        operator_client.get(f"/change-requests/{cr.public_id}/")
    talk(38)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = operator_client.get(f"/change-requests/{cr.public_id}/")
    assert page.content.decode().count('data-testid="comment"') == 40
