"""Writing the draft, or a branch's draft (`branch`: its name): every save is the
agent's next revision `rN` (one sequence for the draft and its branches) and, for
the main draft, one history row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.domain import config as config_domain
from agents.domain import documents
from agents.domain.exceptions import DraftConflict
from agents.models import Agent, Branch, Draft, DraftRevision, PublishedVersion
from agents.selectors import branches as branch_selectors
from agents.selectors import runtime
from agents.services import blame
from agents.services.audit import audited
from agents.services.base import (
    REASON_MAX,
    User,
    actor,
    check_active,
    check_revision,
    locked_branch,
    locked_draft,
    record,
)
from agents.services.prompt_links import check_links, record_uses
from agents.services.snapshots import freeze

_KEEP = object()


def replace_draft(
    *,
    agent: Agent,
    document: dict[str, Any],
    user: User,
    expected_revision: int | None,
    reason: str,
    restored_from: PublishedVersion | object | None = _KEEP,
    restored_from_revision: int | None = None,
    branch: str | None = None,
) -> Draft | Branch:
    """Put a validated document in the draft (or branch `branch`'s): the agent's next
    revision, one history row (main draft), one DraftRevision.

    A stale `expected_revision` raises DraftConflict; the same content is a no-op.
    `restored_from` is kept from before unless given (a restore names its source).
    """
    digest = config_domain.content_hash(document)
    with transaction.atomic():
        draft = locked_draft(agent)  # every save of the agent takes its number here
        target = draft if branch is None else locked_branch(agent, branch)
        check_links(document, agent.workspace_id)
        check_active(draft.agent)
        check_revision(target, expected_revision)
        if target.content_hash == digest:
            return target
        return _write_draft(
            target,
            draft,
            document=document,
            digest=digest,
            user=user,
            reason=reason,
            restored_from=target.restored_from if restored_from is _KEEP else restored_from,
            restored_from_revision=(
                target.restored_from_revision if restored_from is _KEEP else restored_from_revision
            ),
            restoring=restored_from is not _KEEP,
        )


def _write_draft(
    target: Draft | Branch,
    draft: Draft,
    *,
    document: dict[str, Any],
    digest: str,
    user: User,
    reason: str,
    restored_from: PublishedVersion | None,
    restored_from_revision: int | None,
    restoring: bool,
) -> Draft | Branch:
    """Write `target` (the draft, or a branch; `draft`: the agent's draft, locked)."""
    previous = target.config
    target.config = document
    target.content_hash = digest
    target.revision = next_revision(draft)
    target.updated_by = actor(user)
    target.updated_at = timezone.now()
    target.restored_from = restored_from
    target.restored_from_revision = restored_from_revision
    if isinstance(target, Draft):
        record(target, user, reason)
    target.save()
    write_revision(
        target,
        user=user,
        reason=reason,
        previous=previous,
        restored_from_version=restored_from if restoring else None,
        restored_from_revision=restored_from_revision if restoring else None,
    )
    if isinstance(target, Draft):
        if document.get("prompt_links") or previous.get("prompt_links"):
            record_uses(target.agent, None, document)
        runtime.refresh_on_commit(target.agent.public_id)
    return target


def next_revision(draft: Draft) -> int:
    """The agent's next revision number, for the draft or any branch: call with the
    agent's draft row locked (locked_draft), which every revision writer holds."""
    numbers = DraftRevision.objects.filter(agent_id=draft.agent_id).order_by("-number")
    return max(draft.revision, numbers.values_list("number", flat=True).first() or 0) + 1


@audited("draft.update", subject_arg="agent")
def update_draft(
    *,
    agent: Agent,
    config: dict[str, Any],
    user: User,
    expected_revision: int | None = None,
    branch: str | None = None,
) -> Draft | Branch:
    """Replace the draft's (or branch `branch`'s) configuration.

    A stale `expected_revision` raises DraftConflict; an identical document is a
    no-op (same revision, no history row).
    """
    return replace_draft(
        agent=agent,
        document=documents.of(agent.kind).normalize(config),
        user=user,
        expected_revision=expected_revision,
        reason="Edited",
        branch=branch,
    )


@audited("draft.update", subject_arg="agent")
def patch_draft(
    *,
    agent: Agent,
    patch: dict[str, Any],
    user: User,
    expected_revision: int | None = None,
    branch: str | None = None,
) -> Draft | Branch:
    """Apply an RFC 7386 merge patch to the draft.

    The patch applies to the revision it was computed on: with
    `expected_revision`, the caller's (a stale one raises DraftConflict);
    without, the current one, recomputed if another writer slips in between.
    """
    for _attempt in range(3):
        base = (
            Draft.objects.get(agent_id=agent.pk)
            if branch is None
            else branch_selectors.branch(agent, branch)
        )
        if expected_revision is not None and expected_revision != base.revision:
            raise DraftConflict(expected_revision=expected_revision, current_revision=base.revision)
        try:
            return update_draft(
                agent=agent,
                config=config_domain.merge_patch(base.config, patch),
                user=user,
                expected_revision=base.revision,
                branch=branch,
            )
        except DraftConflict:
            if expected_revision is not None:
                raise
    raise DraftConflict(expected_revision=base.revision, current_revision=base.revision + 1)


def write_revision(
    draft: Draft | Branch,
    *,
    user: User,
    reason: str,
    previous: dict[str, Any] | None,
    restored_from_version: PublishedVersion | None = None,
    restored_from_revision: int | None = None,
) -> DraftRevision:
    """Record what the draft (or a branch) holds now as revision `draft.revision` (call
    inside the save's transaction, after its row is written)."""
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    revision = DraftRevision.objects.create(
        agent_id=draft.agent_id,
        number=draft.revision,
        snapshot=freeze(
            draft.content_hash, draft.config, documents.of(draft.agent.kind).schema_version
        ),
        content_hash=draft.content_hash,
        created_by=actor(user),
        created_at=draft.updated_at,
        reason=reason,
        changed=config_domain.changed_paths(previous, draft.config) if previous is not None else [],
        restored_from_version=restored_from_version,
        restored_from_revision=restored_from_revision,
        branch=draft.name if isinstance(draft, Branch) else "",
    )
    blame.record(revision, previous, draft.config)
    return revision
