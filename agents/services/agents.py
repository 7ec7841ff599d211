"""Creating, editing and archiving agents (metadata: never a version)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agents.domain import config as config_domain
from agents.domain import documents
from agents.domain.documents import DocumentKind
from agents.domain.exceptions import InvalidInput
from agents.domain.text import clean_metadata
from agents.models import Agent, Change, Draft
from agents.models.base import new_public_id
from agents.selectors import runtime
from agents.services import changes
from agents.services.approvals import reopen_short_requests
from agents.services.audit import audited
from agents.services.base import User, actor, record
from agents.services.drafts import write_revision
from agents.services.gate import can_release
from agents.services.placement import workspace_for_new
from agents.services.prompt_links import check_links, record_uses


def _unused_public_id(kind: DocumentKind) -> str:
    """A fresh `ag_…` (or `pr_…`) id never held by any agent or prompt, present or
    deleted (history keeps them)."""
    while True:
        candidate = new_public_id(kind.prefix)
        if not Agent.history.filter(public_id=candidate).exists():
            return candidate


@audited("agent.create")
def create_agent(
    *,
    name: str,
    user: User,
    description: str = "",
    config: dict[str, Any] | None = None,
    kind: str = Agent.Kind.AGENT,
    workspace: Any = None,
) -> Agent:
    """Create an agent (or, with kind `prompt`, a library prompt) and its draft in
    `workspace` (a Workspace or its id: see placement.workspace_for_new); a partial
    `config` is merged over the kind's defaults."""
    # A new agent needs its name: None (a file without one) reads as empty, not as
    # "leave it as it is" the way an update does.
    metadata = clean_metadata(name or "", description)
    document_kind = documents.of(kind)
    if config is not None and not isinstance(config, dict):
        raise InvalidInput([{"path": "config", "message": "must be a JSON object"}])
    document = document_kind.normalize(
        config_domain.merge_patch(document_kind.default(), config or {})
    )
    home = workspace_for_new(user, workspace)
    with transaction.atomic():
        check_links(document, home.pk)
        agent = Agent(
            public_id=_unused_public_id(document_kind),
            kind=kind,
            workspace=home,
            created_by=actor(user),
            **metadata,
        )
        record(agent, user, "Created")
        agent.save()
        draft = Draft(
            agent=agent,
            config=document,
            content_hash=config_domain.content_hash(document),
            revision=1,
            updated_by=actor(user),
        )
        record(draft, user, "Created")
        draft.save()
        write_revision(draft, user=user, reason="Created", previous=None)
        if document.get("prompt_links"):
            record_uses(agent, None, document)
    return agent


@audited("agent.update", subject_arg="agent")
def update_agent(
    *,
    agent: Agent,
    user: User,
    name: str | None = None,
    description: str | None = None,
    require_passing_eval: bool | None = None,
    approvals_required: int | None = None,
    reviews_required: int | None = None,
) -> Agent:
    """Edit the agent's metadata and settings. Never touches the draft, never creates
    a version. The release gate, the approval rule and the reviews a merge needs are
    the Releasers' to change (checked here too: no edge can skip it)."""
    fields: dict[str, Any] = clean_metadata(name, description)
    if require_passing_eval is not None:
        if not isinstance(require_passing_eval, bool):
            raise InvalidInput([{"path": "require_passing_eval", "message": "must be a boolean"}])
        fields["require_passing_eval"] = require_passing_eval
    rules = {"approvals_required": approvals_required, "reviews_required": reviews_required}
    for key, value in rules.items():
        if value is not None:
            if type(value) is not int or not 0 <= value <= 2:
                raise InvalidInput([{"path": key, "message": "must be 0, 1 or 2"}])
            fields[key] = value
    guarded = [require_passing_eval, approvals_required, reviews_required]
    if any(value is not None for value in guarded) and not can_release(user, agent):
        raise PermissionDenied(
            "Releasers change the release gate, the approval rule and the reviews merges need."
        )
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        changed = [key for key, value in fields.items() if getattr(locked, key) != value]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, fields[key])
        reason = {
            ("name",): "Renamed",
            ("require_passing_eval",): "Changed the release gate",
            ("approvals_required",): "Changed the approval rule",
            ("reviews_required",): "Changed the reviews merges need",
        }.get(tuple(changed), "Edited details")
        record(locked, user, reason)
        locked.save(update_fields=changed)
        if "approvals_required" in changed:
            reopen_short_requests(locked, user)
    return locked


@audited("agent.archive", subject_arg="agent")
def archive_agent(*, agent: Agent, user: User, archived: bool = True) -> Agent:
    """Archive (or unarchive) an agent: the way to retire one that has versions."""
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        if (locked.archived_at is not None) == archived:
            return locked
        locked.archived_at = timezone.now() if archived else None
        record(locked, user, "Archived" if archived else "Unarchived")
        locked.save(update_fields=["archived_at"])
        subject = {"prompt" if locked.kind == Agent.Kind.PROMPT else "agent": locked}
        changes.record(Change.Kind.AGENT_ARCHIVED, archived=archived, **subject)
        runtime.refresh_on_commit(locked.public_id)
    return locked
