"""Change requests: comments with suggestions applied in one click, outdated when
their spot changes, reviews that go stale with a new save, requested changes that
block until approved or dismissed, and a merge that lands both sides' edits in one
revision — or refuses (conflicts, missing reviews, a draft that moved)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents.domain.exceptions import (
    DraftConflict,
    InvalidInput,
    InvalidState,
    MergeConflict,
    ReviewRequired,
    SelfApproval,
)
from agents.models import Comment, Delivery, DraftRevision, Webhook
from agents.selectors import branches as branch_selectors
from agents.selectors import change_requests as selectors
from agents.services import agents, branches, change_requests, drafts
from tests.helpers import edit

pytestmark = pytest.mark.django_db

PROMPT = "\n".join(f"Paragraph {i}: be kind." for i in range(1, 9))


def set_line(text, index, new):
    lines = text.split("\n")
    lines[index] = new
    return "\n".join(lines)


def on_branch(agent, name, patch, user):
    from agents.domain.config import merge_patch

    found = branch_selectors.branch(agent, name)
    return drafts.update_draft(
        agent=agent, config=merge_patch(found.config, patch), user=user, branch=name
    )


@pytest.fixture
def ann(make_user):
    return make_user("Editor", username="ann")


@pytest.fixture
def bob(make_user):
    return make_user("Editor", "Releaser", username="bob")


@pytest.fixture
def cr(agent, ann):
    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=ann)
    branches.create_branch(agent=agent, name="refund-policy", user=ann)
    on_branch(
        agent,
        "refund-policy",
        {"prompt": {"system_prompt": set_line(PROMPT, 6, "Paragraph 7: offer refunds.")}},
        ann,
    )
    return change_requests.open_change_request(
        agent=agent, branch="refund-policy", title="Refunds", user=ann, description="Why"
    )


def fresh(cr):
    return selectors.change_request(cr.public_id)


def test_both_sides_edits_land_in_one_merged_revision(agent, cr, ann, bob):
    edit(agent, {"prompt": {"system_prompt": set_line(PROMPT, 1, "Paragraph 2: greet.")}}, user=bob)
    preview = selectors.preview(fresh(cr))
    assert preview.merged.clean
    assert preview.draft_moved
    assert [c.path for c in preview.changes.changes] == ["prompt.system_prompt"]
    draft, version = change_requests.merge_change_request(cr=fresh(cr), user=bob)
    text = draft.config["prompt"]["system_prompt"].split("\n")
    assert (text[1], text[6]) == ("Paragraph 2: greet.", "Paragraph 7: offer refunds.")
    assert version is None
    done = fresh(cr)
    assert (done.status, done.merged_revision, done.merged_by) == ("merged", draft.revision, bob)
    revision = DraftRevision.objects.get(agent=agent, number=draft.revision)
    assert revision.reason == f"Merged {cr.public_id} Refunds"
    assert revision.branch == ""
    with pytest.raises(InvalidState):  # the branch is read-only now
        on_branch(agent, "refund-policy", {"llm": {"temperature": 0.1}}, ann)
    with pytest.raises(InvalidState):
        change_requests.merge_change_request(cr=fresh(cr), user=bob)


def test_a_conflict_refuses_the_merge_until_resolved(agent, cr, ann, bob):
    edit(agent, {"prompt": {"system_prompt": set_line(PROMPT, 6, "Paragraph 7: never.")}}, user=bob)
    with pytest.raises(MergeConflict) as caught:
        change_requests.merge_change_request(cr=fresh(cr), user=bob)
    (conflict,) = caught.value.details
    assert conflict["path"] == "prompt.system_prompt"
    assert "Paragraph 7: never." in conflict["draft"]
    assert fresh(cr).status == "open"
    draft, _ = change_requests.merge_change_request(
        cr=fresh(cr),
        user=bob,
        resolutions={"prompt.system_prompt": {"value": "Resolved by hand."}},
        save_as="Refunds merged",
    )
    assert draft.config["prompt"]["system_prompt"] == "Resolved by hand."
    assert agent.versions.get(name="Refunds merged").content_hash == draft.content_hash


def test_a_draft_that_moved_since_it_was_seen_is_never_overwritten(agent, cr, bob):
    seen = agent.draft.revision
    edit(agent, {"llm": {"temperature": 0.2}}, user=bob)
    with pytest.raises(DraftConflict):
        change_requests.merge_change_request(cr=fresh(cr), user=bob, expected_revision=seen)
    assert fresh(cr).status == "open"


def test_reviews_gate_the_merge(agent, cr, ann, bob, make_user):
    agents.update_agent(agent=agent, user=bob, reviews_required=1)
    cr.agent.refresh_from_db()
    with pytest.raises(ReviewRequired):
        change_requests.merge_change_request(cr=fresh(cr), user=ann)
    with pytest.raises(SelfApproval):
        change_requests.review(cr=fresh(cr), user=ann, verdict="approve")
    change_requests.review(cr=fresh(cr), user=bob, verdict="approve")
    assert selectors.standing(fresh(cr)).mergeable
    on_branch(agent, "refund-policy", {"llm": {"temperature": 0.3}}, ann)  # stale now
    assert not selectors.standing(fresh(cr)).mergeable
    carl = make_user("Editor", username="carl")
    change_requests.review(cr=fresh(cr), user=carl, verdict="request_changes", body="Too loose")
    change_requests.review(cr=fresh(cr), user=bob, verdict="approve")
    with pytest.raises(ReviewRequired, match="carl requested changes"):
        change_requests.merge_change_request(cr=fresh(cr), user=ann)
    blocking = selectors.standing(fresh(cr)).requested_changes[0]
    with pytest.raises(PermissionDenied):
        change_requests.dismiss_review(review=blocking, user=ann, reason="n/a")
    change_requests.dismiss_review(review=blocking, user=bob, reason="Addressed in r9")
    change_requests.merge_change_request(cr=fresh(cr), user=ann)
    assert fresh(cr).status == "merged"


def test_request_changes_needs_words_and_verdicts_are_known(cr, bob):
    with pytest.raises(InvalidInput):
        change_requests.review(cr=fresh(cr), user=bob, verdict="request_changes")
    with pytest.raises(InvalidInput):
        change_requests.review(cr=fresh(cr), user=bob, verdict="lgtm")


def test_a_suggestion_is_applied_as_a_branch_revision(agent, cr, ann, bob):
    note = change_requests.comment(
        cr=fresh(cr),
        user=bob,
        body="Say when",
        path="prompt.system_prompt",
        line=7,
        suggestion="Paragraph 7: offer refunds within 30 days.",
        has_suggestion=True,
    )
    assert note.anchor == "Paragraph 7: offer refunds."
    saved = change_requests.apply_suggestion(comment=note, user=ann)
    assert saved.config["prompt"]["system_prompt"].split("\n")[6].endswith("within 30 days.")
    note.refresh_from_db()
    assert note.applied_revision == saved.revision
    assert note.resolved_at is not None
    with pytest.raises(InvalidState):
        change_requests.apply_suggestion(comment=note, user=ann)
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["system_prompt"] == PROMPT  # main untouched


def test_a_comment_whose_spot_changed_is_outdated(agent, cr, ann, bob):
    note = change_requests.comment(
        cr=fresh(cr),
        user=bob,
        body="Lower?",
        path="llm.temperature",
        suggestion=0.2,
        has_suggestion=True,
    )
    branch = branch_selectors.branch(agent, "refund-policy")
    assert not selectors.is_outdated(note, branch)
    on_branch(agent, "refund-policy", {"llm": {"temperature": 0.9}}, ann)
    assert selectors.is_outdated(note, branch_selectors.branch(agent, "refund-policy"))
    with pytest.raises(InvalidState, match="outdated"):
        change_requests.apply_suggestion(comment=note, user=ann)
    answer = change_requests.reply(to=note, user=ann, body="Changed my mind")
    assert answer.parent == note
    assert list(note.replies.all()) == [answer]


def test_comments_are_checked_kept_and_edited_only_briefly(cr, bob, ann):
    with pytest.raises(InvalidInput):
        change_requests.comment(cr=fresh(cr), user=bob, body="x", path="llm.nothing")
    with pytest.raises(InvalidInput):
        change_requests.comment(
            cr=fresh(cr), user=bob, body="x", path="prompt.system_prompt", line=99
        )
    with pytest.raises(InvalidInput):
        change_requests.comment(cr=fresh(cr), user=bob, body="  ")
    note = change_requests.comment(cr=fresh(cr), user=bob, body="Typo")
    change_requests.edit_comment(comment=note, user=bob, body="Typo fixed")
    with pytest.raises(PermissionDenied):
        change_requests.edit_comment(comment=note, user=ann, body="Mine now")
    Comment.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    note.refresh_from_db()
    with pytest.raises(InvalidState):
        change_requests.edit_comment(comment=note, user=bob, body="Too late")
    change_requests.resolve_comment(comment=note, user=ann)
    assert Comment.objects.get(pk=note.pk).resolved_by == ann
    change_requests.close_change_request(cr=fresh(cr), user=ann)
    with pytest.raises(InvalidState):
        change_requests.reply(to=Comment.objects.get(pk=note.pk), user=ann, body="Late")


def test_close_reopen_and_one_open_per_branch(agent, cr, ann):
    with pytest.raises(InvalidState):
        change_requests.open_change_request(
            agent=agent, branch="refund-policy", title="Again", user=ann
        )
    change_requests.close_change_request(cr=cr, user=ann)
    with pytest.raises(InvalidState):
        change_requests.close_change_request(cr=cr, user=ann)
    other = change_requests.open_change_request(
        agent=agent, branch="refund-policy", title="B", user=ann
    )
    with pytest.raises(InvalidState):
        change_requests.reopen_change_request(cr=cr, user=ann)
    change_requests.close_change_request(cr=other, user=ann)
    assert change_requests.reopen_change_request(cr=cr, user=ann).status == "open"


def test_webhooks_hear_opened_reviewed_and_merged(agent, ann, bob, user):
    Webhook.objects.create(
        workspace=agent.workspace,
        url="https://hooks.example/x",
        events=["change_request.opened", "change_request.reviewed", "change_request.merged"],
        secret="s",
    )
    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=ann)
    branches.create_branch(agent=agent, name="w", user=ann)
    on_branch(agent, "w", {"llm": {"temperature": 0.4}}, ann)
    opened = change_requests.open_change_request(agent=agent, branch="w", title="W", user=ann)
    change_requests.review(cr=fresh(opened), user=bob, verdict="approve")
    change_requests.merge_change_request(cr=fresh(opened), user=bob)
    events = list(Delivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["change_request.opened", "change_request.reviewed", "change_request.merged"]
    merged = Delivery.objects.get(event="change_request.merged").payload["data"]
    assert merged["change_request"]["status"] == "merged"
    assert merged["merged_by"] == "bob"


def test_waiting_for_my_review(cr, ann, bob):
    assert list(selectors.waiting_for(bob)) == [cr]
    assert list(selectors.waiting_for(ann)) == []  # the author's own
    change_requests.review(cr=fresh(cr), user=bob, verdict="comment", body="Looks fine")
    assert list(selectors.waiting_for(bob)) == []


def test_the_change_stream_hears_opened_reviewed_and_merged(agent, ann, bob):
    from agents.models import Change
    from agents.selectors import changes

    edit(agent, {"prompt": {"system_prompt": PROMPT}}, user=ann)
    branches.create_branch(agent=agent, name="s", user=ann)
    on_branch(agent, "s", {"llm": {"temperature": 0.4}}, ann)
    opened = change_requests.open_change_request(agent=agent, branch="s", title="S", user=ann)
    change_requests.review(cr=fresh(opened), user=bob, verdict="approve")
    change_requests.merge_change_request(cr=fresh(opened), user=bob)
    rows = Change.objects.filter(kind__startswith="change_request.").order_by("seq")
    assert [changes.event(c)["kind"] for c in rows] == [
        "change_request.opened",
        "change_request.reviewed",
        "change_request.merged",
    ]
    shown = changes.event(rows.last())
    assert (shown["agent"], shown["change_request"], shown["ref"]) == (
        agent.public_id,
        opened.public_id,
        "draft:s",
    )
