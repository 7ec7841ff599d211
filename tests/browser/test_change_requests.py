"""Two people on one change request, in two Chromium contexts: the author comments on
a line with a suggestion, a reviewer applies it and approves, and the author merges
with the one conflict resolved (the draft changed that line meanwhile)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from agents.models import Draft
from agents.selectors import branches as branch_selectors
from agents.services import agents, drafts
from tests.helpers import edit

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = "\n".join(f"Paragraph {i}: be kind." for i in range(1, 7))


def with_line(index, new):
    lines = PROMPT.split("\n")
    lines[index] = new
    return "\n".join(lines)


def test_comment_apply_approve_and_merge_with_a_conflict(new_page, make_user, user):
    ann = make_user("Editor", "Releaser", username="ann")
    make_user("Editor", username="bob")
    agent = agents.create_agent(name="Clinic line", user=ann)
    agents.update_agent(agent=agent, user=ann, reviews_required=1)
    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=ann)

    first = new_page("ann")
    first.goto(f"/agents/{agent.public_id}/")
    first.get_by_test_id("new-branch").click()
    first.get_by_label("Name").fill("refund-policy")
    first.get_by_role("button", name="Create branch").click()
    first.wait_for_url(f"**/agents/{agent.public_id}/branches/refund-policy/")
    branch = branch_selectors.branch(agent, "refund-policy")
    config = {**branch.config, "prompt": {**branch.config["prompt"]}}
    config["prompt"]["system_prompt"] = with_line(2, "Paragraph 3: offer refunds.")
    drafts.update_draft(agent=agent, config=config, user=ann, branch="refund-policy")
    first.reload()
    first.get_by_test_id("open-change-request").click()
    first.get_by_label("Title").fill("Refund policy")
    first.get_by_role("button", name="Open change request").click()
    first.wait_for_url("**/change-requests/cr_*/")
    address = first.url
    expect(first.get_by_test_id("merge-clean")).to_be_visible()
    first.get_by_label("Comment on prompt.system_prompt line 3").click()
    first.get_by_label("Comment", exact=True).fill("Name the window")
    first.get_by_test_id("suggest").check()
    first.get_by_label("Suggested text").fill("Paragraph 3: offer refunds within 30 days.")
    first.get_by_role("button", name="Comment", exact=True).click()
    expect(first.get_by_test_id("suggestion")).to_have_text(
        "Paragraph 3: offer refunds within 30 days."
    )

    second = new_page("bob")
    second.goto(address)
    second.get_by_test_id("apply").click()
    expect(second.get_by_test_id("applied")).to_be_visible()
    second.get_by_test_id("review").click()
    second.get_by_label("Approve").check()
    second.get_by_role("button", name="Submit review").click()
    expect(second.get_by_test_id("approvals")).to_contain_text("1 of 1")

    edit(agent, {"prompt": {"system_prompt": with_line(2, "Paragraph 3: no refunds.")}}, user=user)
    first.reload()
    expect(first.get_by_test_id("conflict")).to_have_count(1)
    first.get_by_label("Take the branch's").check()
    first.get_by_test_id("merge").click()
    first.wait_for_url(f"**/agents/{agent.public_id}/")
    expect(first.locator(".flash-success")).to_contain_text("into the draft")
    ARTIFACTS.mkdir(exist_ok=True)
    first.screenshot(path=str(ARTIFACTS / "change-request-merged.png"), full_page=True)
    merged = Draft.objects.get(agent=agent).config["prompt"]["system_prompt"]
    assert merged.split("\n")[2] == "Paragraph 3: offer refunds within 30 days."
    assert not first.console_errors
    assert not second.console_errors
