"""The prompt library: where a prompt is linked, and what releasing a version changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from agents.domain import prompts as prompts_domain
from agents.domain.exceptions import ConfigInvalid
from agents.domain.routing import target_label
from agents.models import Agent, Channel, Label, PromptUse, PublishedVersion, Rollout


def linkable_prompts(limit: int = 500) -> list[Agent]:
    """The library's prompts an agent may link, by name (one query)."""
    return list(
        Agent.objects.prompts()
        .filter(archived_at__isnull=True)
        .order_by("name")
        .only("public_id", "name")[:limit]
    )


@dataclass(frozen=True)
class LinkChoices:
    """What the editor offers in a prompt link's row: the library's prompts by name,
    and each prompt's versions (number, name) newest first."""

    prompts: list[tuple[str, str]] = field(default_factory=list)
    versions: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def link_choices(limit: int = 500) -> LinkChoices:
    """The prompts an agent may link with their versions (two queries)."""
    prompts = linkable_prompts(limit)
    versions: dict[str, list[tuple[int, str]]] = {prompt.public_id: [] for prompt in prompts}
    rows = (
        PublishedVersion.objects.filter(agent__in=prompts)
        .order_by("agent_id", "-number")
        .values_list("agent__public_id", "number", "name")
    )
    for public_id, number, name in rows:
        versions[public_id].append((number, name))
    return LinkChoices([(prompt.public_id, prompt.name) for prompt in prompts], versions)


@dataclass(frozen=True)
class Use:
    agent: Agent
    ref: str  # ag_x@draft, ag_x@v3
    mode: str  # "pinned" | "following"
    role: str
    pinned: int | None


def usage(prompt: Agent, limit: int = 500) -> list[Use]:
    """Every link of `prompt`, agent by agent: the draft's, then each version's, newest
    first; one query."""
    rows = (
        PromptUse.objects.filter(prompt=prompt)
        .select_related("agent", "version")
        .order_by("agent__name", "agent_id", F("version__number").desc(nulls_first=True))[:limit]
    )
    return [
        Use(
            agent=row.agent,
            ref=f"{row.agent.public_id}@{row.version.label if row.version else 'draft'}",
            mode="following" if row.pinned is None else "pinned",
            role=row.role,
            pinned=row.pinned,
        )
        for row in rows
    ]


@dataclass
class Affected:
    """One live reference of an agent whose behaviour a prompt release changes."""

    agent: Agent
    ref: str  # ag_x@released, ag_x@staging, ag_x@draft
    role: str
    before: str | None  # the linked text rendered now (None: could not render)
    after: str | None  # … and once the version is released (None: it cannot be)
    values: dict[str, Any] = field(default_factory=dict)  # the link's variable values
    channels: list[Channel] = field(default_factory=list)
    rollouts: list[Rollout] = field(default_factory=list)


def _render(document: dict[str, Any] | None, values: dict[str, Any]) -> str | None:
    if document is None:
        return None
    try:
        return prompts_domain.render(document, values)
    except ConfigInvalid:
        return None


def impact(prompt: Agent, version: PublishedVersion) -> list[Affected]:
    """What releasing `version` of `prompt` changes: every agent reference that follows
    the prompt and is live — the draft, `released`, each label, a version a channel
    pins (a rollout's candidate, say) — with the channels
    that serve it and the rollouts running on them, and the rendered text before and
    after. Nothing when `version` is what is released already. A fixed number of
    queries plus one per affected agent document read for the rendering."""
    if prompt.released_version_id == version.pk:
        return []
    following = list(
        PromptUse.objects.filter(prompt=prompt, pinned__isnull=True)
        .select_related("agent", "agent__draft", "version")
        .filter(agent__archived_at__isnull=True)
    )
    if not following:
        return []
    agent_ids = {use.agent_id for use in following}
    labels: dict[int, list[Label]] = {}
    for label in Label.objects.filter(agent_id__in=agent_ids):
        labels.setdefault(label.version_id, []).append(label)
    channels = list(Channel.objects.filter(agent_id__in=agent_ids))
    rollouts: dict[int, list[Rollout]] = {}
    for rollout in Rollout.objects.filter(channel__in=channels, status__in=Rollout.IN_FLIGHT):
        rollouts.setdefault(rollout.channel_id, []).append(rollout)
    before_document = prompt.released_version.config if prompt.released_version else None
    affected = []
    for use in following:
        agent = use.agent
        if use.version is None:
            refs, document = ["draft"], agent.draft.config
        else:
            refs = ["released"] if agent.released_version_id == use.version_id else []
            refs += [label.name for label in labels.get(use.version_id, [])]
            pinned_by = [c for c in channels if c.agent_id == agent.pk and _pins(c, use.version)]
            refs += [use.version.label] if pinned_by else []
            document = use.version.config if refs else None
        if not refs:
            continue  # a version nothing points at: not live
        values = next(
            (
                link["variables"]
                for link in document.get("prompt_links", [])
                if link["prompt"] == prompt.public_id and link["role"] == use.role
            ),
            {},
        )
        for ref in refs:
            serving = [c for c in channels if c.agent_id == agent.pk and _serves(c, ref, use)]
            affected.append(
                Affected(
                    agent=agent,
                    ref=f"{agent.public_id}@{ref}",
                    role=use.role,
                    before=_render(before_document, values),
                    after=_render(version.config, values),
                    values=values,
                    channels=serving,
                    rollouts=[r for c in serving for r in rollouts.get(c.pk, [])],
                )
            )
    return affected


def _arms(channel: Channel) -> list[str]:
    """`released`, `draft`, `v3` or a label's name, for each arm of the channel."""
    targets = [channel.target] + [variant["target"] for variant in channel.variants or []]
    return [target_label(target) for target in targets]


def _pins(channel: Channel, version: PublishedVersion) -> bool:
    return version.label in _arms(channel)


def _serves(channel: Channel, ref: str, use: PromptUse) -> bool:
    """Whether any arm of the channel is `ref` (draft, released, a label, a version)."""
    return ref in _arms(channel)
