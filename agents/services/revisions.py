"""Draft revisions: every draft save writes `rN` (services/drafts); restoring one
copies it back into the draft."""

from __future__ import annotations

from agents.domain import documents
from agents.models import Agent, Draft
from agents.selectors import revisions as revision_selectors
from agents.services.audit import audited
from agents.services.base import User
from agents.services.versions import restore_document


@audited("draft.restore", subject_arg="agent")
def restore_revision(
    *,
    agent: Agent,
    number: int,
    user: User,
    expected_revision: int | None = None,
    save_first_as: str | None = None,
    branch: str | None = None,
) -> Draft:
    """Copy draft revision `rN` into the draft (or branch `branch`'s), exactly, as
    restore_version does; the new revision records which one it came from."""
    revision = revision_selectors.revision(agent, number)
    return restore_document(
        agent,
        document=documents.of(agent.kind).upgrade(
            revision.snapshot.config, revision.snapshot.schema_version
        ),
        label=revision.label,
        user=user,
        expected_revision=expected_revision,
        save_first_as=save_first_as,
        restored_from=None,
        restored_from_revision=revision.number,
        branch=branch,
    )
