"""Branches: created from any reference, edited through services/drafts (`branch=`),
deleted keeping their revisions."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.domain import documents, references
from agents.domain.exceptions import InvalidInput, InvalidState
from agents.domain.permissions import EDIT_DRAFT
from agents.models import Agent, Branch, DraftRevision
from agents.models.branches import BRANCH_NAME
from agents.selectors import branches as branch_selectors
from agents.selectors.compare import compare_side
from agents.services.audit import audited
from agents.services.base import User, actor, check_active, locked_draft
from agents.services.drafts import next_revision, write_revision
from agents.services.snapshots import freeze


def _editor(user: User, agent: Agent) -> None:
    if user is None or not user.has_perm(EDIT_DRAFT, agent):
        raise PermissionDenied("Editors work on branches.")


@audited("branch.create", subject_arg="agent")
def create_branch(*, agent: Agent, name: str, user: User, source: str = "draft") -> Branch:
    """Branch `name` of the agent, its draft a copy of what `source` names now (the
    draft, a version, a revision, a label or another branch): its first save is the
    agent's next revision."""
    _editor(user, agent)
    name = (name or "").strip()
    if not re.fullmatch(BRANCH_NAME, name):
        raise InvalidInput(
            [{"path": "name", "message": "lowercase letters, digits and dashes, from a letter"}]
        )
    if references.try_parse(source) is None:
        raise InvalidInput([{"path": "from", "message": "not a reference (draft, v3, r12…)"}])
    kind = documents.of(agent.kind)
    with transaction.atomic():
        draft = locked_draft(agent)
        check_active(draft.agent)
        agent.draft = draft  # as it is now, not as the caller last read it
        side = compare_side(agent, source)
        schema_version = _schema_version(agent, side)
        config = kind.upgrade(side.config, schema_version)
        snapshot = freeze(side.content_hash, side.config, schema_version)
        now = timezone.now()
        try:
            with transaction.atomic():
                branch = Branch.objects.create(
                    agent=agent,
                    name=name,
                    config=config,
                    revision=next_revision(draft),
                    content_hash=side.content_hash,
                    updated_by=actor(user),
                    updated_at=now,
                    base_ref=references.parse(source).label,
                    base_revision=_base_revision(draft, source, side),
                    base_version=side.version,
                    base_snapshot=snapshot,
                    base_content_hash=side.content_hash,
                    created_by=actor(user),
                    created_at=now,
                )
        except IntegrityError:
            raise InvalidInput(
                [{"path": "name", "message": f"“{agent.name}” has a branch {name}"}]
            ) from None
        # Compared with what it copied: a branch's first revision introduces nothing.
        write_revision(branch, user=user, reason=f"Branched from {side.resolved}", previous=config)
    return branch


def _base_revision(draft, source: str, side) -> int | None:
    """The revision the base was, when it was a draft (the main one or a branch) or a
    revision; None for a version."""
    reference = references.parse(source)
    if reference.kind == "draft":
        return draft.revision
    if reference.kind == "branch":
        return branch_selectors.branch(draft.agent, reference.name).revision
    return side.revision if reference.kind == "revision" else None


def _schema_version(agent: Agent, side) -> int:
    """The schema version of the document `side` holds (versions and revisions keep
    theirs; the drafts are current)."""
    if side.version is not None:
        return side.version.schema_version
    if side.frozen and side.revision is not None:
        found = DraftRevision.objects.filter(agent_id=agent.pk, number=side.revision)
        return found.values_list("snapshot__schema_version", flat=True).get()
    return documents.of(agent.kind).schema_version


@audited("branch.delete", subject_arg="agent")
def delete_branch(*, agent: Agent, name: str, user: User) -> None:
    """The branch is gone (its name free again); its revisions stay. Not while a
    change request of it is open."""
    _editor(user, agent)
    with transaction.atomic():
        locked_draft(agent)
        branch = branch_selectors.branch(agent, name, lock=True)
        if branch_selectors.open_change_request(branch) is not None:
            raise InvalidState(f"draft:{name} has an open change request; close it first.")
        branch.deleted_at = timezone.now()
        branch.save(update_fields=["deleted_at"])
