"""Creating and routing channels, and starting conversations through them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.domain import routing as routing_domain
from agents.domain.exceptions import InvalidInput, RolloutRunning
from agents.domain.text import NAME_MAX, clean_text
from agents.models import Agent, Change, Channel, Conversation, Label, PublishedVersion
from agents.selectors import runtime
from agents.selectors import versions as versions_selectors
from agents.services import changes as changes_services
from agents.services import gate
from agents.services.audit import audited
from agents.services.base import User, record
from agents.services.conversations import offline_start, start_conversation

IN_FLIGHT = ("running", "paused")
CHANNEL_FIELDS = ("name", "kind", "address", "agent", "target", "variants")


def clean_channel(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a channel's fields together; pinned versions must be the agent's own."""
    problems: list[dict[str, str]] = []
    cleaned = dict(values)
    try:
        cleaned["name"] = clean_text(
            values.get("name"), path="name", required=True, max_length=NAME_MAX
        )
        cleaned["address"] = clean_text(
            values.get("address"), path="address", required=False, max_length=300
        )
    except InvalidInput as exc:
        problems.extend(exc.errors)
    if values.get("kind") not in Channel.Kind.values:
        problems.append(
            {"path": "kind", "message": f"must be one of {', '.join(Channel.Kind.values)}"}
        )
    try:
        routing = routing_domain.parse_routing(
            {"target": values.get("target", "released"), "variants": values.get("variants")}
        )
        cleaned.update(routing)
    except InvalidInput as exc:
        problems.extend(exc.errors)
        routing = None
    agent = values.get("agent")
    if routing and agent is not None:
        pinned = routing_domain.versions_named(routing)
        existing = set(
            PublishedVersion.objects.filter(agent=agent, number__in=pinned).values_list(
                "number", flat=True
            )
        )
        for number in sorted(pinned - existing):
            problems.append(
                {"path": "target", "message": f"v{number} is not a version of “{agent.name}”"}
            )
        followed = routing_domain.labels_named(routing)
        known = set(
            Label.objects.filter(agent_id=agent.pk, name__in=followed).values_list(
                "name", flat=True
            )
        )
        for name in sorted(followed - known):
            problems.append({"path": "target", "message": f"“{agent.name}” has no label {name}"})
    if problems:
        raise InvalidInput(problems)
    return cleaned


@audited("channel.create")
def create_channel(
    *,
    name: str,
    kind: str,
    agent: Agent,
    user: User,
    address: str = "",
    target: Any = "released",
    variants: list[dict[str, Any]] | None = None,
    workspace: Any = None,
) -> Channel:
    """A channel of `agent`, in the agent's workspace (`workspace`, when given, must be
    that one)."""
    if workspace not in (None, "") and workspace != agent.workspace.public_id:
        raise InvalidInput(
            [{"path": "workspace", "message": f"must be the agent's ({agent.workspace.public_id})"}]
        )
    values = clean_channel(
        {
            "name": name,
            "kind": kind,
            "agent": agent,
            "address": address,
            "target": target,
            "variants": variants,
        }
    )
    with transaction.atomic():
        gate.check_routing(agent, values, None, values["name"])
        channel = Channel(**values)
        record(channel, user, "Created")
        channel.save()
        changes_services.record(Change.Kind.CHANNEL_UPDATED, channel=channel, agent=channel.agent)
    return channel


@audited("channel.update", subject_arg="channel")
def update_channel(
    *, channel: Channel, user: User, _by_rollout: str = "", **changes: Any
) -> Channel:
    """Change any of name, kind, address, agent, target, variants; the rest stays.
    While a rollout is in flight its routing is the rollout's (RolloutRunning); the
    rollout's own changes pass `_by_rollout`, the reason its routing history shows."""
    unknown = set(changes) - set(CHANNEL_FIELDS)
    if unknown:
        raise InvalidInput([{"path": key, "message": "unknown field"} for key in sorted(unknown)])
    with transaction.atomic():
        locked = Channel.objects.select_for_update().select_related("agent").get(pk=channel.pk)
        current = {field: getattr(locked, field) for field in CHANNEL_FIELDS}
        values = clean_channel({**current, **changes})
        changed = [f for f in CHANNEL_FIELDS if values[f] != current[f]]
        if not changed:
            return locked
        routing = {"target", "variants", "agent"} & set(changed)
        if routing and not _by_rollout and locked.rollouts.filter(status__in=IN_FLIGHT).exists():
            raise RolloutRunning(f"{locked.name} has a rollout in flight: abort it to reroute.")
        if routing and not _by_rollout:
            same_agent = values["agent"].pk == locked.agent_id
            before = {"target": current["target"], "variants": current["variants"]}
            gate.check_routing(values["agent"], values, before if same_agent else None, locked.name)
        for field in changed:
            setattr(locked, field, values[field])
        locked.updated_at = timezone.now()
        rerouted = "Rerouted" if {"target", "variants"} & set(changed) else "Edited"
        record(locked, user, _by_rollout or rerouted)
        locked.save()
        if routing:
            kind = Change.Kind.ROLLOUT if _by_rollout else Change.Kind.CHANNEL_UPDATED
            changes_services.record(kind, channel=locked, agent=locked.agent)
    return locked


def start_conversation_on_channel(
    *, channel: Channel, user: User, key: str = ""
) -> tuple[Conversation, runtime.Resolved]:
    """Bind a conversation through a channel: its target, or the key's sticky variant."""
    target, variant = channel.target, ""
    if channel.variants:
        chosen = channel.variants[routing_domain.assign(channel.public_id, key, channel.variants)]
        target, variant = chosen["target"], routing_domain.target_label(chosen["target"])
    return start_conversation(
        ref=routing_domain.target_ref(channel.agent.public_id, target),
        user=user,
        key=key,
        channel_ref=channel.public_id,
        variant=variant,
    )


def record_offline_conversation(
    *, on: Agent | Channel, version: int, started_at: datetime, user: User, key: str = ""
) -> tuple[Conversation, runtime.Resolved]:
    """A conversation a runtime started at `started_at` on `version` while the console
    was unreachable, reported now: bound to that version (one of the agent's, else
    UnknownReference), on the channel's variant the key is assigned to, flagged
    offline; it counts in analytics and rollouts like any other. `on` is the agent or
    the channel the runtime answered for."""
    channel = on if isinstance(on, Channel) else None
    agent = on.agent if isinstance(on, Channel) else on
    started = offline_start(started_at)
    bound = versions_selectors.get_version(agent, version)
    variant = ""
    if channel is not None and channel.variants:
        chosen = channel.variants[routing_domain.assign(channel.public_id, key, channel.variants)]
        variant = routing_domain.target_label(chosen["target"])
    return start_conversation(
        ref=f"{agent.public_id}@{bound.label}",
        user=user,
        key=key,
        channel_ref=channel.public_id if channel is not None else "",
        variant=variant,
        offline_since=started,
    )
