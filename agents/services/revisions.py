"""Draft revisions: each draft save writes `rN` (restoring one is in services.versions)."""

from __future__ import annotations

from typing import Any

from agents.domain import config as schema
from agents.domain import documents
from agents.models import Draft, DraftRevision, PublishedVersion
from agents.services.base import REASON_MAX, User, actor
from agents.services.snapshots import freeze


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
        changed=schema.changed_paths(previous, draft.config) if previous is not None else [],
        restored_from_version=restored_from_version,
        restored_from_revision=restored_from_revision,
    )
