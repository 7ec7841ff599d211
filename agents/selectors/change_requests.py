"""Reading change requests: lists, one with its threads and reviews, the diff of its
branch from the base, the merge preview, and what its reviews allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from agents.domain import documents, merge, paths
from agents.domain.diff import Diff, diff
from agents.domain.exceptions import UnknownReference
from agents.models import Agent, Branch, ChangeRequest, Comment, Review
from agents.selectors.base import where

OPEN = ChangeRequest.Status.OPEN


def _rows() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related("agent", "branch", "author", "merged_by")


def change_request(public_id: str) -> ChangeRequest:
    """One change request with its comments (and their replies) and reviews, or
    UnknownReference (404)."""
    found = (
        _rows()
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(parent__isnull=True)
                .select_related("author", "resolved_by")
                .prefetch_related(
                    Prefetch("replies", queryset=Comment.objects.select_related("author"))
                ),
                to_attr="threads",
            ),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer", "dismissed_by"),
                to_attr="all_reviews",
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise UnknownReference(f"No change request {public_id[:40]}.")
    return found


def comment(cr: ChangeRequest, comment_id: str) -> Comment:
    """One comment (or reply) of the change request, or UnknownReference (404)."""
    found = cr.comments.filter(public_id=comment_id).select_related("change_request__branch")
    comment = found.first()
    if comment is None:
        raise UnknownReference(f"{cr.public_id} has no comment {comment_id[:40]}.")
    return comment


def review(cr: ChangeRequest, review_id: int) -> Review:
    """One review of a change request read by change_request(), or UnknownReference."""
    found = next((r for r in cr.all_reviews if r.pk == review_id), None)
    if found is None:
        raise UnknownReference(f"{cr.public_id} has no review {review_id}.")
    return found


def of_agent(agent: Agent, status: str = "") -> QuerySet[ChangeRequest]:
    return where(_rows().filter(agent_id=agent.pk), status=status)


def waiting_for(user) -> QuerySet[ChangeRequest]:
    """Open change requests by others that `user` has not reviewed at their current
    head: the global page's "waiting for my review"."""
    reviewed = Review.objects.filter(
        reviewer_id=user.pk,
        dismissed_at__isnull=True,
        head_revision=F("change_request__branch__revision"),
    )
    return (
        _rows()
        .filter(status=OPEN)
        .exclude(author_id=user.pk)
        .exclude(pk__in=reviewed.values("change_request_id"))
    )


def everything(status: str = "") -> QuerySet[ChangeRequest]:
    return where(_rows(), status=status)


# ------------------------------------------------------------------ the merge


def base_config(branch: Branch) -> dict[str, Any]:
    """What the branch started from, as a document of today's schema."""
    snapshot = branch.base_snapshot
    return documents.of(branch.agent.kind).upgrade(snapshot.config, snapshot.schema_version)


@dataclass(frozen=True)
class Preview:
    changes: Diff  # the branch's changes since its base
    merged: merge.Merged  # base, draft and branch merged
    draft_moved: bool  # the main draft changed since the branch's base


def preview(cr: ChangeRequest, resolutions: dict[str, Any] | None = None) -> Preview:
    """The change request's diff and merge as they stand now."""
    branch, draft = cr.branch, cr.agent.draft
    base = base_config(branch)
    return Preview(
        changes=diff(base, branch.config),
        merged=merge.merge(base, draft.config, branch.config, resolutions),
        draft_moved=draft.content_hash != branch.base_content_hash,
    )


# ------------------------------------------------------------------ reviews


@dataclass(frozen=True)
class Standing:
    """What the reviews allow at the branch's current head."""

    approvals: list[Review]  # current, by others than the author, one per reviewer
    requested_changes: list[Review]  # each reviewer whose latest word is "request changes"
    required: int

    @property
    def mergeable(self) -> bool:
        return len(self.approvals) >= self.required and not self.requested_changes


def standing(cr: ChangeRequest) -> Standing:
    """Each reviewer's latest review that was not dismissed decides: an approval of the
    current head counts (a later save makes it stale), requested changes block."""
    reviews = getattr(cr, "all_reviews", None)
    if reviews is None:
        reviews = list(cr.reviews.select_related("reviewer"))
    latest: dict[int, Review] = {}
    for review in reviews:
        if review.dismissed_at is None and review.verdict != Review.Verdict.COMMENT:
            latest[review.reviewer_id] = review
    head = cr.branch.revision
    return Standing(
        approvals=[
            r
            for r in latest.values()
            if r.verdict == Review.Verdict.APPROVE
            and r.head_revision == head
            and r.reviewer_id != cr.author_id
        ],
        requested_changes=[
            r for r in latest.values() if r.verdict == Review.Verdict.REQUEST_CHANGES
        ],
        required=cr.agent.reviews_required,
    )


def is_stale(review: Review, cr: ChangeRequest) -> bool:
    return review.head_revision != cr.branch.revision


# ------------------------------------------------------------------ comments


def spot(config: dict[str, Any], path: str, line: int | None) -> Any:
    """What a comment's spot holds in `config`: the value at its path, or the text of
    its line; paths.NoSuchPath when it is not there."""
    value = paths.get(config, path)
    if line is None:
        return value
    lines = value.split("\n") if isinstance(value, str) else []
    if not 1 <= line <= len(lines):
        raise paths.NoSuchPath(f"{path} line {line}")
    return lines[line - 1]


def is_outdated(comment: Comment, branch: Branch) -> bool:
    """The spot changed since the comment was written (or is gone)."""
    if not comment.path:
        return False
    try:
        return spot(branch.config, comment.path, comment.line) != comment.anchor
    except paths.NoSuchPath:
        return True
