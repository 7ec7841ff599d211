"""Saving the draft as a numbered version, and restoring a version into the draft."""

from __future__ import annotations

from typing import NotRequired, TypedDict, Unpack

from django.db import transaction

from agents.domain import documents
from agents.domain.exceptions import InvalidInput, NoChanges
from agents.domain.text import clean_metadata
from agents.models import Agent, Draft, PublishedVersion
from agents.services.audit import audited
from agents.services.base import User, actor, check_active, check_revision, locked_draft, record
from agents.services.drafts import replace_draft, update_draft
from agents.services.prompt_links import record_uses


class Naming(TypedDict):
    """What a saved version is called: a name, and a description if any."""

    name: str
    description: NotRequired[str]


@audited("version.save")
def save_version(
    *, agent: Agent, user: User, expected_revision: int | None = None, **named: Unpack[Naming]
) -> PublishedVersion:
    """Snapshot the draft as the agent's next version number, named `name` (and
    `description`).

    Raises NoChanges when the draft equals the latest version, DraftConflict when
    the caller looked at an older revision than the one that would be saved.
    """
    cleaned = clean_metadata(named["name"], named.get("description", ""))
    name, description = cleaned["name"], cleaned["description"]
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        check_active(locked)
        draft = locked_draft(locked)
        check_revision(draft, expected_revision)
        latest = locked.versions.order_by("-number").first()
        if latest is not None and latest.content_hash == draft.content_hash:
            raise NoChanges(latest_number=latest.number)
        version = PublishedVersion.objects.create(
            agent=locked,
            number=(latest.number if latest else 0) + 1,
            name=name,
            description=description,
            created_by=actor(user),
            config=draft.config,
            content_hash=draft.content_hash,
            schema_version=documents.of(locked.kind).schema_version,
            parent=draft.restored_from or latest,
        )
        if draft.config.get("prompt_links"):
            record_uses(locked, version, draft.config)
        if draft.restored_from_id is not None:
            # The draft now descends from the version just saved; the revision
            # stays, since the configuration itself did not change.
            draft.restored_from = None
            record(draft, user, f"Saved as {version.label}")
            draft.save(update_fields=["restored_from"])
    return version


@audited("version.save")
def save_draft_and_version(
    *,
    agent: Agent,
    config: dict,
    user: User,
    expected_revision: int | None = None,
    **named: Unpack[Naming],
) -> PublishedVersion:
    """Save what the editor shows as the draft, then snapshot that draft (`name`, and a
    `description`): one transaction, so the version is exactly the form the operator saw,
    or nothing at all is written (a stale form raises DraftConflict, a bad one
    InvalidInput)."""
    with transaction.atomic():
        draft = update_draft(
            agent=agent, config=config, user=user, expected_revision=expected_revision
        )
        return save_version(agent=agent, user=user, expected_revision=draft.revision, **named)


@audited("draft.restore", subject_arg="version")
def restore_version(
    *,
    version: PublishedVersion,
    user: User,
    expected_revision: int | None = None,
    save_first_as: str | None = None,
    branch: str | None = None,
) -> Draft:
    """Copy a version's snapshot into the draft (or branch `branch`'s), exactly (same
    content hash).

    Restoring what the draft already holds is a no-op. With `save_first_as`, the
    draft as it is is first saved as a version of that name, in the same
    transaction: both happen, or neither does.
    """
    return restore_document(
        version.agent,
        document=documents.of(version.agent.kind).upgrade(version.config, version.schema_version),
        label=version.label,
        user=user,
        expected_revision=expected_revision,
        save_first_as=save_first_as,
        restored_from=version,
        branch=branch,
    )


def restore_document(
    agent: Agent,
    *,
    document: dict,
    label: str,
    user: User,
    expected_revision: int | None,
    save_first_as: str | None,
    restored_from: PublishedVersion | None,
    restored_from_revision: int | None = None,
    branch: str | None = None,
) -> Draft:
    """Put `document` (a version's or a revision's, upgraded) into the draft (or branch
    `branch`'s) as "Restored `label`"; with `save_first_as`, the draft as it is is
    saved as a version first, in the same transaction (the main draft only)."""
    if branch is not None and save_first_as is not None:
        raise InvalidInput(
            [{"path": "save_first_as", "message": "versions are saved from the main draft"}]
        )
    with transaction.atomic():
        if save_first_as is not None:
            save_version(
                agent=agent, name=save_first_as, user=user, expected_revision=expected_revision
            )
        return replace_draft(
            agent=agent,
            document=document,
            user=user,
            expected_revision=expected_revision,
            reason=f"Restored {label}",
            restored_from=restored_from,
            restored_from_revision=restored_from_revision,
            branch=branch,
        )
