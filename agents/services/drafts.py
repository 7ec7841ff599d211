"""Writing the draft: every save is revision + 1 and one history row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.domain import config as config_domain
from agents.domain import documents
from agents.domain.exceptions import DraftConflict
from agents.models import Agent, Draft, DraftRevision, PublishedVersion
from agents.selectors import runtime
from agents.services.base import (
    REASON_MAX,
    User,
    actor,
    check_active,
    check_revision,
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
) -> Draft:
    """Put a validated document in the draft: revision + 1, one history row, one
    DraftRevision.

    A stale `expected_revision` raises DraftConflict; the same content is a no-op.
    `restored_from` is kept from before unless given (a restore names its source).
    """
    digest = config_domain.content_hash(document)
    with transaction.atomic():
        draft = locked_draft(agent)
        check_links(document)
        check_active(draft.agent)
        check_revision(draft, expected_revision)
        if draft.content_hash == digest:
            return draft
        return _write_draft(
            draft,
            document=document,
            digest=digest,
            user=user,
            reason=reason,
            restored_from=draft.restored_from if restored_from is _KEEP else restored_from,
            restored_from_revision=(
                draft.restored_from_revision if restored_from is _KEEP else restored_from_revision
            ),
            restoring=restored_from is not _KEEP,
        )


def _write_draft(
    draft: Draft,
    *,
    document: dict[str, Any],
    digest: str,
    user: User,
    reason: str,
    restored_from: PublishedVersion | None,
    restored_from_revision: int | None,
    restoring: bool,
) -> Draft:
    previous = draft.config
    draft.config = document
    draft.content_hash = digest
    draft.revision += 1
    draft.updated_by = actor(user)
    draft.updated_at = timezone.now()
    draft.restored_from = restored_from
    draft.restored_from_revision = restored_from_revision
    record(draft, user, reason)
    draft.save()
    write_revision(
        draft,
        user=user,
        reason=reason,
        previous=previous,
        restored_from_version=restored_from if restoring else None,
        restored_from_revision=restored_from_revision if restoring else None,
    )
    if document.get("prompt_links") or previous.get("prompt_links"):
        record_uses(draft.agent, None, document)
    runtime.refresh_on_commit(draft.agent.public_id)
    return draft


def update_draft(
    *, agent: Agent, config: dict[str, Any], user: User, expected_revision: int | None = None
) -> Draft:
    """Replace the draft's configuration.

    A stale `expected_revision` raises DraftConflict; an identical document is a
    no-op (same revision, no history row).
    """
    return replace_draft(
        agent=agent,
        document=documents.of(agent.kind).normalize(config),
        user=user,
        expected_revision=expected_revision,
        reason="Edited",
    )


def patch_draft(
    *, agent: Agent, patch: dict[str, Any], user: User, expected_revision: int | None = None
) -> Draft:
    """Apply an RFC 7386 merge patch to the draft.

    The patch applies to the revision it was computed on: with
    `expected_revision`, the caller's (a stale one raises DraftConflict);
    without, the current one, recomputed if another writer slips in between.
    """
    for _attempt in range(3):
        base = Draft.objects.get(agent_id=agent.pk)
        if expected_revision is not None and expected_revision != base.revision:
            raise DraftConflict(expected_revision=expected_revision, current_revision=base.revision)
        try:
            return update_draft(
                agent=agent,
                config=config_domain.merge_patch(base.config, patch),
                user=user,
                expected_revision=base.revision,
            )
        except DraftConflict:
            if expected_revision is not None:
                raise
    raise DraftConflict(expected_revision=base.revision, current_revision=base.revision + 1)


def write_revision(
    draft: Draft,
    *,
    user: User,
    reason: str,
    previous: dict[str, Any] | None,
    restored_from_version: PublishedVersion | None = None,
    restored_from_revision: int | None = None,
) -> DraftRevision:
    """Record what the draft holds now as revision `draft.revision` (call inside the
    save's transaction, after the draft row is written)."""
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    return DraftRevision.objects.create(
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
    )
