"""Importing a bundle as a new agent: the same version numbers and content hashes,
its labels where they were; all or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain import documents
from agents.domain.bundles import check_bundle
from agents.domain.exceptions import ConfigInvalid, InvalidInput
from agents.domain.permissions import EDIT_DRAFT
from agents.domain.text import clean_metadata
from agents.models import RELEASED, Agent, Draft, Label, PromptUse, PublishedVersion
from agents.services.agents import create_agent
from agents.services.audit import audited
from agents.services.base import User, actor
from agents.services.drafts import update_draft
from agents.services.labels import move_label
from agents.services.placement import workspace_for_new
from agents.services.prompt_links import check_links, prompt_uses
from agents.services.releases import release_version


def _under(path: str, exc: InvalidInput) -> list[dict[str, str]]:
    return [{"path": f"{path}.{p['path']}", "message": p["message"]} for p in exc.errors]


@audited("agent.import")
def import_bundle(*, bundle: Any, user: User, workspace: Any = None) -> Agent:
    """A new agent of `workspace` (see placement.workspace_for_new) from an exported
    bundle: each version saved in order (so its number and content hash are the
    bundle's), `released` and the labels moved to theirs, the draft last. Any problem
    (by path) and nothing is created."""
    if user is None:
        raise PermissionDenied("Editors import agents.")
    home = workspace_for_new(user, workspace)
    cleaned, problems = check_bundle(bundle)
    if problems:
        raise InvalidInput(problems)
    first = cleaned["versions"][0]["config"] if cleaned["versions"] else cleaned["draft"]
    with transaction.atomic():
        try:
            agent = create_agent(user=user, config=first, workspace=home, **cleaned["agent"])
        except InvalidInput as exc:
            raise InvalidInput(_under("agent", exc)) from None
        saved = _save_all(agent, cleaned["versions"], user)
        _move_labels(agent, cleaned["labels"], saved, user)
        update_draft(agent=agent, config=cleaned["draft"], user=user)
    return agent


@dataclass
class Synced:
    agent: Agent
    created: bool
    changes: list[str] = field(default_factory=list)  # "saved v4", "released → v4", "draft"


@audited("agent.sync")
def sync_bundle(*, bundle: Any, user: User, workspace: Any = None) -> Synced:
    """Bring the console in line with a bundle from git (`manage.py import_agents`):
    a new agent when none matches it (by the bundle's id, else by name), otherwise
    the versions the file has beyond the console's saved, the labels moved to where
    the file has them and the draft written. Unchanged files change nothing; a file
    whose versions differ from the console's (diverged) is refused, by path. Agents
    are matched within `workspace` (see placement.workspace_for_new)."""
    cleaned, problems = check_bundle(bundle)
    if problems:
        raise InvalidInput(problems)
    home = workspace_for_new(user, workspace, perm=EDIT_DRAFT)
    agent = _match(cleaned, home)
    if agent is None:
        return Synced(agent=import_bundle(bundle=bundle, user=user, workspace=home), created=True)
    if user is None or not user.has_perm(EDIT_DRAFT, agent):
        raise PermissionDenied("Editors import into drafts.")
    changes: list[str] = []
    with transaction.atomic():
        saved = list(PublishedVersion.objects.filter(agent=agent).order_by("number"))
        wanted = cleaned["versions"]
        for index, (have, want) in enumerate(zip(saved, wanted, strict=False)):
            if have.content_hash != want["content_hash"]:
                raise InvalidInput(
                    [
                        {
                            "path": f"versions[{index}].content_hash",
                            "message": f"{have.label} in the console is not this one: the two "
                            "have diverged (export the console's agent and merge by hand)",
                        }
                    ]
                )
        if len(saved) > len(wanted):
            raise InvalidInput(
                [
                    {
                        "path": "versions",
                        "message": f"the console has v{len(saved)}, the file "
                        f"stops at v{len(wanted)}: export again before importing",
                    }
                ]
            )
        for version in _save_all(agent, wanted[len(saved) :], user, first_index=len(saved)):
            saved.append(version)
            changes.append(f"saved {version.label}")
        changes += _move_labels(agent, cleaned["labels"], saved, user)
        before = Draft.objects.values_list("revision", flat=True).get(agent=agent)
        draft = update_draft(agent=agent, config=cleaned["draft"], user=user)
        if draft.revision != before:
            changes.append(f"draft (revision {draft.revision})")
    return Synced(agent=agent, created=False, changes=changes)


def _save_all(
    agent: Agent, versions: list[dict[str, Any]], user: User, *, first_index: int = 0
) -> list[PublishedVersion]:
    """A bundle's versions appended in order, so their numbers and content hashes are
    the bundle's: one insert a version (each names the one before as its parent),
    prompt links checked once per distinct set of links and indexed in one insert.
    Thousands of versions take seconds (bench: `python -m bench bundles`). The draft
    is the caller's to write, once, after them."""
    locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
    latest = locked.versions.order_by("-number").first()
    schema_version = documents.of(locked.kind).schema_version
    checked: set[str] = set()
    made: list[PublishedVersion] = []
    uses: list[PromptUse] = []
    for offset, version in enumerate(versions):
        path = f"versions[{first_index + offset}]"
        try:
            meta = clean_metadata(version.get("name") or "", version.get("description") or "")
        except InvalidInput as exc:
            raise InvalidInput(_under(path, exc)) from None
        config = version["config"]
        if latest is not None and latest.content_hash == version["content_hash"]:
            raise InvalidInput(
                [{"path": f"{path}.content_hash", "message": f"the same as {latest.label}"}]
            )
        links = config.get("prompt_links") or []
        if links and (key := json.dumps(links, sort_keys=True)) not in checked:
            try:
                check_links(config, agent.workspace_id)
            except ConfigInvalid as exc:
                raise InvalidInput(_under(f"{path}.config", exc)) from None
            checked.add(key)
        latest = PublishedVersion.objects.create(
            agent=locked,
            number=(latest.number if latest else 0) + 1,
            name=meta["name"],
            description=meta["description"],
            created_by=actor(user),
            config=config,
            content_hash=version["content_hash"],
            schema_version=schema_version,
            parent=latest,
        )
        made.append(latest)
        uses += prompt_uses(locked, latest, config)
    PromptUse.objects.bulk_create(uses)
    return made


def _match(cleaned: dict[str, Any], workspace) -> Agent | None:
    agents = (
        Agent.objects.agents()
        .filter(archived_at__isnull=True, workspace=workspace)
        .select_related("draft")
    )
    if cleaned["id"] and (found := agents.filter(public_id=cleaned["id"]).first()):
        return found
    named = list(agents.filter(name=cleaned["agent"]["name"])[:2])
    if len(named) > 1:
        raise InvalidInput(
            [{"path": "agent.name", "message": "several agents have this name: rename one"}]
        )
    return named[0] if named else None


def _move_labels(agent: Agent, labels: dict[str, int | None], saved: list, user: User) -> list[str]:
    where = {label.name: label.version_id for label in Label.objects.filter(agent=agent)}
    where[RELEASED] = Agent.objects.values_list("released_version_id", flat=True).get(pk=agent.pk)
    moved = []
    for name, number in labels.items():
        if number is None or where.get(name) == saved[number - 1].pk:
            continue
        version = saved[number - 1]
        if name == RELEASED:
            release_version(version=version, user=user, note="Imported")
        else:
            move_label(agent=agent, name=name, version=version, user=user, note="Imported")
        moved.append(f"{name} → {version.label}")
    return moved
