"""Change requests: open one from a branch, comment (with suggested edits), review,
and merge it into the main draft — one revision in one transaction, never over a
draft that moved unseen.

Who may do what: Editors open, comment, apply suggestions, review and merge (the
reviews an agent requires gate the merge); the author never approves their own;
Releasers set how many reviews a merge needs (services/agents) and dismiss a
review that requested changes (recorded on the review).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.domain import documents, paths
from agents.domain.exceptions import (
    InvalidInput,
    InvalidState,
    MergeConflict,
    NoChanges,
    ReviewRequired,
    SelfApproval,
)
from agents.domain.permissions import EDIT_DRAFT
from agents.domain.text import clean_text
from agents.models import Agent, Change, ChangeRequest, Comment, Review
from agents.selectors import branches as branch_selectors
from agents.selectors import change_requests as selectors
from agents.services import changes, drafts, webhook_events
from agents.services.audit import audited
from agents.services.base import User, actor, check_revision, locked_branch, locked_draft
from agents.services.gate import can_release
from agents.services.versions import save_version

EDIT_WINDOW = timedelta(minutes=15)  # a comment's body may be corrected this long
Status = ChangeRequest.Status


def _editor(user: User, what: str, obj) -> None:
    if user is None or not user.has_perm(EDIT_DRAFT, obj):
        raise PermissionDenied(f"Editors {what}.")


@audited("change_request.open")
def open_change_request(
    *, agent: Agent, branch: str, title: str, user: User, description: str = ""
) -> ChangeRequest:
    """Propose branch `branch` for the main draft (one open change request per branch)."""
    _editor(user, "open change requests", agent)
    title = clean_text(title, path="title", required=True, max_length=200)
    description = clean_text(description, path="description", required=False, max_length=20_000)
    with transaction.atomic():
        found = branch_selectors.branch(agent, branch, lock=True)
        if found.merged_at is not None:
            raise InvalidState(f"draft:{branch} was merged already.")
        try:
            with transaction.atomic():
                cr = ChangeRequest.objects.create(
                    agent=agent,
                    branch=found,
                    title=title,
                    description=description,
                    author=actor(user),
                )
        except IntegrityError:
            raise InvalidState(f"draft:{branch} has an open change request already.") from None
        _announce(Change.Kind.CHANGE_REQUEST_OPENED, cr)
    return cr


def _announce(kind: str, cr: ChangeRequest) -> None:
    """On the change stream, in the caller's transaction (services/changes)."""
    changes.record(kind, agent=cr.agent, change_request=cr, ref=f"draft:{cr.branch.name}")


def _locked(cr: ChangeRequest) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("agent", "branch")
        .get(pk=cr.pk)
    )


@audited("change_request.close", subject_arg="cr")
def close_change_request(*, cr: ChangeRequest, user: User) -> ChangeRequest:
    _editor(user, "close change requests", cr)
    with transaction.atomic():
        locked = _locked(cr)
        if locked.status != Status.OPEN:
            raise InvalidState(f"{cr.public_id} is {locked.status}, not open.")
        locked.status, locked.closed_at = Status.CLOSED, timezone.now()
        locked.updated_at = locked.closed_at
        locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


@audited("change_request.reopen", subject_arg="cr")
def reopen_change_request(*, cr: ChangeRequest, user: User) -> ChangeRequest:
    _editor(user, "reopen change requests", cr)
    with transaction.atomic():
        locked = _locked(cr)
        if locked.status != Status.CLOSED:
            raise InvalidState(f"{cr.public_id} is {locked.status}; only a closed one reopens.")
        if locked.branch.deleted_at is not None:
            raise InvalidState(f"draft:{locked.branch.name} was deleted.")
        locked.status, locked.closed_at, locked.updated_at = Status.OPEN, None, timezone.now()
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "closed_at", "updated_at"])
        except IntegrityError:
            raise InvalidState(
                f"draft:{locked.branch.name} has another open change request."
            ) from None
    return locked


# ------------------------------------------------------------------ comments


@audited("change_request.comment", subject_arg="cr")
def comment(
    *,
    cr: ChangeRequest,
    user: User,
    body: str,
    path: str = "",
    line: int | None = None,
    suggestion: Any = None,
    has_suggestion: bool = False,
) -> Comment:
    """A comment on the change request, on a field of its branch (`path`), or on one
    line of a long text (`line`, from 1). A suggestion is the value proposed for that
    spot (for a line: its new text, which may hold several lines)."""
    _editor(user, "comment on change requests", cr)
    body = clean_text(body, path="body", required=True, max_length=20_000)
    branch = cr.branch
    anchor = None
    if line is not None and not path:
        raise InvalidInput([{"path": "line", "message": "a line needs the path of its text"}])
    if path:
        try:
            anchor = selectors.spot(branch.config, path, line)
        except paths.NoSuchPath:
            where = "path" if line is None else "line"
            raise InvalidInput(
                [{"path": where, "message": f"{path} has no such spot in draft:{branch.name}"}]
            ) from None
    if has_suggestion and not path:
        raise InvalidInput([{"path": "suggestion", "message": "a suggestion needs a path"}])
    if has_suggestion and line is not None and not isinstance(suggestion, str):
        raise InvalidInput([{"path": "suggestion", "message": "a line's suggestion is text"}])
    if cr.status != Status.OPEN:
        raise InvalidState(f"{cr.public_id} is {cr.status}: comments are closed.")
    return Comment.objects.create(
        change_request=cr,
        path=path,
        line=line,
        body=body,
        has_suggestion=has_suggestion,
        suggestion=suggestion if has_suggestion else None,
        anchor=anchor,
        head_revision=branch.revision,
        author=actor(user),
    )


@audited("change_request.reply", subject_arg="to")
def reply(*, to: Comment, user: User, body: str) -> Comment:
    _editor(user, "reply to comments", to)
    body = clean_text(body, path="body", required=True, max_length=20_000)
    if to.parent_id is not None:
        to = to.parent
    if to.change_request.status != Status.OPEN:
        raise InvalidState(f"{to.change_request.public_id} is {to.change_request.status}.")
    return Comment.objects.create(
        change_request_id=to.change_request_id,
        parent=to,
        path=to.path,
        line=to.line,
        body=body,
        head_revision=to.change_request.branch.revision,
        author=actor(user),
    )


@audited("change_request.edit_comment", subject_arg="comment")
def edit_comment(*, comment: Comment, user: User, body: str) -> Comment:
    """Correct a comment's body: its author, within EDIT_WINDOW of writing it."""
    if comment.author_id is None or actor(user) is None or comment.author_id != actor(user).pk:
        raise PermissionDenied("Only its author edits a comment.")
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise InvalidState("Comments can be edited for 15 minutes; this one is kept as it is.")
    comment.body = clean_text(body, path="body", required=True, max_length=20_000)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@audited("change_request.resolve_comment", subject_arg="comment")
def resolve_comment(*, comment: Comment, user: User, resolved: bool = True) -> Comment:
    _editor(user, "resolve comments", comment)
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = actor(user) if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@audited("change_request.apply_suggestion", subject_arg="comment")
def apply_suggestion(*, comment: Comment, user: User):
    """Write a comment's suggestion to its branch as one revision (by its author or any
    Editor); 409 invalid_state when the spot changed since (outdated) or it was
    applied already."""
    _editor(user, "apply suggestions", comment)
    cr = comment.change_request
    with transaction.atomic():
        locked_draft(cr.agent)
        branch = locked_branch(cr.agent, cr.branch.name)
        mine = Comment.objects.select_for_update().get(pk=comment.pk)
        if not mine.has_suggestion or mine.applied_revision is not None:
            raise InvalidState("This comment has no suggestion left to apply.")
        if cr.status != Status.OPEN:
            raise InvalidState(f"{cr.public_id} is {cr.status}.")
        if selectors.is_outdated(mine, branch):
            raise InvalidState("The spot changed since this suggestion: it is outdated.")
        value = mine.suggestion
        if mine.line is not None:
            lines = paths.get(branch.config, mine.path).split("\n")
            lines[mine.line - 1 : mine.line] = str(value).split("\n")
            value = "\n".join(lines)
        document = documents.of(cr.agent.kind).normalize(paths.put(branch.config, mine.path, value))
        saved = drafts.replace_draft(
            agent=cr.agent,
            document=document,
            user=user,
            expected_revision=branch.revision,
            reason=f"Applied suggestion {mine.public_id}",
            branch=branch.name,
        )
        mine.applied_revision = saved.revision
        mine.resolved_at, mine.resolved_by = timezone.now(), actor(user)
        mine.save(update_fields=["applied_revision", "resolved_at", "resolved_by"])
    return saved


# ------------------------------------------------------------------ reviews


@audited("change_request.review", subject_arg="cr")
def review(*, cr: ChangeRequest, user: User, verdict: str, body: str = "") -> Review:
    """Approve, request changes or comment, on the branch's current head. The author
    does not approve their own (SelfApproval)."""
    _editor(user, "review change requests", cr)
    if verdict not in Review.Verdict.values:
        raise InvalidInput(
            [{"path": "verdict", "message": "one of approve, request_changes, comment"}]
        )
    body = clean_text(body, path="body", required=False, max_length=20_000)
    if verdict == Review.Verdict.REQUEST_CHANGES and not body:
        raise InvalidInput([{"path": "body", "message": "say what should change"}])
    if cr.status != Status.OPEN:
        raise InvalidState(f"{cr.public_id} is {cr.status}: reviews are closed.")
    if verdict == Review.Verdict.APPROVE and cr.author_id == getattr(actor(user), "pk", None):
        raise SelfApproval("The author of a change request cannot approve it.")
    with transaction.atomic():
        found = Review.objects.create(
            change_request=cr,
            reviewer=actor(user),
            verdict=verdict,
            body=body,
            head_revision=cr.branch.revision,
        )
        _announce(Change.Kind.CHANGE_REQUEST_REVIEWED, cr)
    return found


@audited("change_request.dismiss_review", subject_arg="review")
def dismiss_review(*, review: Review, user: User, reason: str) -> Review:
    """A Releaser sets a review aside (its requested changes no longer block), saying why."""
    if not can_release(user, review):
        raise PermissionDenied("Releasers dismiss reviews.")
    reason = clean_text(reason, path="reason", required=True, max_length=200)
    if review.dismissed_at is not None:
        raise InvalidState("This review was dismissed already.")
    review.dismissed_at, review.dismissed_by = timezone.now(), actor(user)
    review.dismissal_reason = reason
    review.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_reason"])
    return review


# ------------------------------------------------------------------ merging


@audited("change_request.merge", subject_arg="cr")
def merge_change_request(
    *,
    cr: ChangeRequest,
    user: User,
    resolutions: dict[str, Any] | None = None,
    expected_revision: int | None = None,
    save_as: str | None = None,
):
    """Merge the branch into the main draft: one draft revision ("Merged cr_… title"),
    in one transaction with the change request turning `merged` and its branch
    read-only. Refused while a conflict is unresolved (MergeConflict), while the
    reviews do not allow it (ReviewRequired), when the draft moved past
    `expected_revision` (DraftConflict). With `save_as`, the merged draft is saved as
    a version of that name too. Returns (draft, version or None)."""
    _editor(user, "merge change requests", cr)
    with transaction.atomic():
        draft = locked_draft(cr.agent)
        branch = branch_selectors.branch(cr.agent, cr.branch.name, lock=True)
        locked = _locked(cr)
        if locked.status != Status.OPEN:
            raise InvalidState(f"{cr.public_id} is {locked.status}, not open.")
        standing = selectors.standing(locked)
        if standing.requested_changes:
            names = ", ".join(r.reviewer.get_username() for r in standing.requested_changes)
            raise ReviewRequired(f"{names} requested changes: merge once they approve.")
        if len(standing.approvals) < standing.required:
            raise ReviewRequired(
                f"Merging needs {standing.required} approval"
                f"{'s' if standing.required != 1 else ''} of revision r{branch.revision}; "
                f"it has {len(standing.approvals)}."
            )
        check_revision(draft, expected_revision)
        preview = selectors.preview(locked, resolutions)
        if not preview.merged.clean:
            raise MergeConflict(
                f"{len(preview.merged.conflicts)} conflict(s) to resolve.",
                details=[c.as_json() for c in preview.merged.conflicts],
            )
        document = documents.of(cr.agent.kind).normalize(preview.merged.value)
        merged = drafts.replace_draft(
            agent=cr.agent,
            document=document,
            user=user,
            expected_revision=draft.revision,
            reason=f"Merged {locked.public_id} {locked.title}",
        )
        now = timezone.now()
        locked.status, locked.merged_at, locked.merged_by = Status.MERGED, now, actor(user)
        locked.merged_revision, locked.updated_at = merged.revision, now
        locked.save(
            update_fields=["status", "merged_at", "merged_by", "merged_revision", "updated_at"]
        )
        branch.merged_at = now
        branch.save(update_fields=["merged_at"])
        webhook_events.announce_merged(locked)
        _announce(Change.Kind.CHANGE_REQUEST_MERGED, locked)
        version = None
        if save_as:
            try:
                with transaction.atomic():
                    version = save_version(agent=cr.agent, name=save_as, user=user)
            except NoChanges:  # the merged draft is a version already
                version = None
    return merged, version
