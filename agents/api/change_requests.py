"""Change requests (API.md, "Branches and change requests"): open one from a branch,
read it with its diff, merge preview, comments and reviews; comment (with suggested
edits), reply, resolve, apply; review; close, reopen; merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Query, Schema, Status
from pydantic import ConfigDict

from agents.api.common import Router, if_match, require
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, DraftOut, ErrorOut
from agents.api.shapes import draft_out, username
from agents.permissions import EDIT_DRAFT, VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import change_requests as selectors
from agents.services import change_requests as services

agent_change_requests = Router(tags=["change requests"])
change_requests_router = Router(tags=["change requests"])

WRITE = {403: ErrorOut, **ERRORS_WRITE}


class ChangeRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    branch: str = Field(..., max_length=40)
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=20_000)


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    path: str = Field("", max_length=300, description="A field of the diff: prompt.system_prompt")
    line: int | None = Field(None, ge=1, description="A line of that text, from 1")
    body: str = Field(..., max_length=20_000)
    suggestion: Any = Field(
        None, description="The value proposed for the spot (a line's new text); applied by …/apply"
    )


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(..., max_length=20_000)


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    verdict: Literal["approve", "request_changes", "comment"]
    body: str = Field("", max_length=20_000)


class DismissIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., max_length=200)


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    resolutions: dict[str, Any] | None = Field(
        None, description='Per conflicting path: "draft", "branch" or {"value": …}'
    )
    save_as: str | None = Field(None, max_length=200, description="Also save a version so named")


class ReplyOut(Schema):
    id: str
    body: str
    author: str | None
    created_at: datetime


class CommentOut(Schema):
    id: str
    path: str
    line: int | None
    body: str
    suggestion: Any
    author: str | None
    created_at: datetime
    edited_at: datetime | None
    resolved: bool
    outdated: bool
    applied_revision: int | None
    replies: list[ReplyOut]


class ReviewOut(Schema):
    id: int
    reviewer: str | None
    verdict: str
    body: str
    head_revision: int
    stale: bool
    created_at: datetime
    dismissed_by: str | None
    dismissal_reason: str


class ConflictOut(Schema):
    path: str
    base: Any
    draft: Any
    branch: Any
    merged: str | None = Field(None, description="A text's merge with conflict markers")


class MergeOut(Schema):
    clean: bool
    conflicts: list[ConflictOut]
    draft_moved: bool
    approvals: int
    reviews_required: int
    requested_changes: list[str]


class ChangeOut(Schema):
    path: str
    op: str
    old: Any = None
    new: Any = None


class ChangeRequestOut(Schema):
    id: str
    agent: str
    branch: str
    title: str
    description: str
    status: str
    author: str | None
    created_at: datetime
    head_revision: int
    changes: list[ChangeOut] = Field(description="The branch's changes since its base")
    merge: MergeOut | None = Field(description="The merge preview (open ones)")
    reviews: list[ReviewOut]
    comments: list[CommentOut]
    merged_by: str | None
    merged_at: datetime | None
    merged_revision: int | None


class ChangeRequestSummary(Schema):
    id: str
    agent: str
    branch: str
    title: str
    status: str
    author: str | None
    created_at: datetime
    head_revision: int


class ChangeRequestList(Schema):
    data: list[ChangeRequestSummary]


class Merged(Schema):
    draft: DraftOut
    revision: int
    version: int | None


class StatusFilter(Schema):
    status: Literal["open", "merged", "closed"] | None = None


class EveryFilter(StatusFilter):
    waiting: bool = Field(False, description="Only open ones waiting for my review")


def summary_out(cr) -> dict:
    return {
        "id": cr.public_id,
        "agent": cr.agent.public_id,
        "branch": cr.branch.name,
        "title": cr.title,
        "status": cr.status,
        "author": username(cr.author),
        "created_at": cr.created_at,
        "head_revision": cr.branch.revision,
    }


def comment_out(comment, branch) -> dict:
    return {
        "id": comment.public_id,
        "path": comment.path,
        "line": comment.line,
        "body": comment.body,
        "suggestion": comment.suggestion if comment.has_suggestion else None,
        "author": username(comment.author),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "resolved": comment.resolved_at is not None,
        "outdated": selectors.is_outdated(comment, branch),
        "applied_revision": comment.applied_revision,
        "replies": [
            {
                "id": r.public_id,
                "body": r.body,
                "author": username(r.author),
                "created_at": r.created_at,
            }
            for r in comment.replies.all()
        ],
    }


def review_out(review, cr) -> dict:
    return {
        "id": review.pk,
        "reviewer": username(review.reviewer),
        "verdict": review.verdict,
        "body": review.body,
        "head_revision": review.head_revision,
        "stale": selectors.is_stale(review, cr),
        "created_at": review.created_at,
        "dismissed_by": username(review.dismissed_by),
        "dismissal_reason": review.dismissal_reason,
    }


def change_request_out(cr) -> dict:
    preview = selectors.preview(cr)
    standing = selectors.standing(cr)
    is_open = cr.status == "open"
    return {
        **summary_out(cr),
        "description": cr.description,
        "changes": [
            {"path": c.path, "op": c.op, "old": c.old, "new": c.new}
            for c in preview.changes.changes
        ],
        "merge": {
            "clean": preview.merged.clean,
            "conflicts": [c.as_json() for c in preview.merged.conflicts],
            "draft_moved": preview.draft_moved,
            "approvals": len(standing.approvals),
            "reviews_required": standing.required,
            "requested_changes": [username(r.reviewer) for r in standing.requested_changes],
        }
        if is_open
        else None,
        "reviews": [review_out(r, cr) for r in cr.all_reviews],
        "comments": [comment_out(c, cr.branch) for c in cr.threads],
        "merged_by": username(cr.merged_by),
        "merged_at": cr.merged_at,
        "merged_revision": cr.merged_revision,
    }


def _found(cr_id: str) -> dict:
    return change_request_out(selectors.change_request(cr_id))


# ------------------------------------------------------------------ per agent


@agent_change_requests.post(
    "/{agent_id}/change-requests", response={201: ChangeRequestOut, **WRITE}
)
def open_change_request(request, agent_id: str, payload: ChangeRequestIn):
    """Open a change request from a branch"""
    principal = require(request, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(agent_id)
    cr = services.open_change_request(
        agent=agent,
        branch=payload.branch,
        title=payload.title,
        description=payload.description,
        user=principal.user,
    )
    return Status(201, _found(cr.public_id))


@agent_change_requests.get(
    "/{agent_id}/change-requests", response={200: ChangeRequestList, **ERRORS_READ}
)
def list_change_requests(request, agent_id: str, filters: Query[StatusFilter]):
    """An agent's change requests, newest first"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    return {"data": [summary_out(cr) for cr in selectors.of_agent(agent, filters.status or "")]}


@change_requests_router.get("", response={200: ChangeRequestList, **ERRORS_READ})
def every_change_request(request, filters: Query[EveryFilter]):
    """Every agent's change requests, newest first (`waiting`: those I have not
    reviewed at their current head, by others)"""
    principal = require(request, VIEW_AGENT)
    rows = (
        selectors.waiting_for(principal.user)
        if filters.waiting
        else selectors.everything(filters.status or "")
    )
    return {"data": [summary_out(cr) for cr in rows[:200]]}


# ------------------------------------------------------------------ one


@change_requests_router.get("/{cr_id}", response={200: ChangeRequestOut, **ERRORS_READ})
def get_change_request(request, cr_id: str):
    """A change request: its diff, merge preview, reviews and comments"""
    require(request, VIEW_AGENT)
    return _found(cr_id)


@change_requests_router.post("/{cr_id}/close", response={200: ChangeRequestOut, **WRITE})
def close_change_request(request, cr_id: str):
    """Close a change request (it can be reopened)"""
    principal = require(request, EDIT_DRAFT)
    services.close_change_request(cr=selectors.change_request(cr_id), user=principal.user)
    return _found(cr_id)


@change_requests_router.post("/{cr_id}/reopen", response={200: ChangeRequestOut, **WRITE})
def reopen_change_request(request, cr_id: str):
    """Reopen a closed change request"""
    principal = require(request, EDIT_DRAFT)
    services.reopen_change_request(cr=selectors.change_request(cr_id), user=principal.user)
    return _found(cr_id)


@change_requests_router.post("/{cr_id}/comments", response={201: CommentOut, **WRITE})
def add_comment(request, cr_id: str, payload: CommentIn):
    """Comment on a field or a line of the diff, optionally suggesting its value"""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    given = payload.model_dump(exclude_unset=True)
    comment = services.comment(
        cr=cr,
        user=principal.user,
        body=payload.body,
        path=payload.path,
        line=payload.line,
        suggestion=payload.suggestion,
        has_suggestion="suggestion" in given,
    )
    return Status(201, comment_out(comment, cr.branch))


@change_requests_router.patch(
    "/{cr_id}/comments/{comment_id}", response={200: CommentOut, 409: ErrorOut, **WRITE}
)
def edit_comment(request, cr_id: str, comment_id: str, payload: ReplyIn):
    """Correct a comment's body: its author, within 15 minutes (then 409 `invalid_state`)"""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    comment = services.edit_comment(
        comment=selectors.comment(cr, comment_id), user=principal.user, body=payload.body
    )
    return comment_out(comment, cr.branch)


@change_requests_router.post(
    "/{cr_id}/comments/{comment_id}/replies", response={201: CommentOut, **WRITE}
)
def reply_to_comment(request, cr_id: str, comment_id: str, payload: ReplyIn):
    """Reply to a comment"""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    services.reply(to=selectors.comment(cr, comment_id), user=principal.user, body=payload.body)
    return Status(201, comment_out(selectors.comment(cr, comment_id), cr.branch))


@change_requests_router.post(
    "/{cr_id}/comments/{comment_id}/resolve", response={200: CommentOut, **WRITE}
)
def resolve_comment(request, cr_id: str, comment_id: str):
    """Mark a comment resolved"""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    comment = services.resolve_comment(
        comment=selectors.comment(cr, comment_id), user=principal.user
    )
    return comment_out(comment, cr.branch)


@change_requests_router.post(
    "/{cr_id}/comments/{comment_id}/apply", response={200: DraftOut, 409: ErrorOut, **WRITE}
)
def apply_suggestion(request, cr_id: str, comment_id: str):
    """Write a comment's suggestion to the branch's draft, as one revision

    409 `invalid_state` when the spot changed since (outdated) or it was applied."""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    return draft_out(
        services.apply_suggestion(comment=selectors.comment(cr, comment_id), user=principal.user)
    )


@change_requests_router.post("/{cr_id}/reviews", response={201: ReviewOut, **WRITE})
def add_review(request, cr_id: str, payload: ReviewIn):
    """Approve, request changes or comment, on the branch's current head

    The author's approval: 403 `self_approval`. A later save makes approvals stale."""
    principal = require(request, EDIT_DRAFT)
    cr = selectors.change_request(cr_id)
    review = services.review(cr=cr, user=principal.user, verdict=payload.verdict, body=payload.body)
    return Status(201, review_out(review, cr))


@change_requests_router.post(
    "/{cr_id}/reviews/{review_id}/dismiss", response={200: ReviewOut, **WRITE}
)
def dismiss_review(request, cr_id: str, review_id: int, payload: DismissIn):
    """Dismiss a review (Releasers): its requested changes no longer block the merge"""
    principal = require(request, VIEW_AGENT)
    cr = selectors.change_request(cr_id)
    review = selectors.review(cr, review_id)
    dismissed = services.dismiss_review(review=review, user=principal.user, reason=payload.reason)
    return review_out(dismissed, cr)


@change_requests_router.post(
    "/{cr_id}/merge", response={200: Merged, 409: ErrorOut, 412: ErrorOut, **WRITE}
)
def merge_change_request(request, cr_id: str, payload: MergeIn):
    """Merge the branch into the draft: one draft revision

    Three-way (base, draft, branch) per path, tools by identity, long text by line.
    409 `merge_conflict` (details: the conflicts) while one is unresolved; 409
    `review_required` while approvals of the current head are missing or changes
    were requested; 409 `draft_conflict` when the draft moved past If-Match."""
    principal = require(request, EDIT_DRAFT)
    draft, version = services.merge_change_request(
        cr=selectors.change_request(cr_id),
        user=principal.user,
        resolutions=payload.resolutions,
        expected_revision=if_match(request),
        save_as=payload.save_as,
    )
    return {
        "draft": draft_out(draft),
        "revision": draft.revision,
        "version": version.number if version else None,
    }
