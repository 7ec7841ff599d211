"""Reading channels: lists, one channel, and what served a channel at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from agents.domain import routing as routing_domain
from agents.domain.exceptions import AgentNotPublished, InvalidInput
from agents.domain.routing import describe, target_label
from agents.models import Agent, Channel, Draft, PublishedVersion, ReleaseEvent, Rollout
from agents.selectors import changes as changes_selectors
from agents.selectors import runtime
from agents.selectors.base import one, where


def channel_list(*, agent: str | None = None) -> QuerySet[Channel]:
    """Channels by name with their agent; `agent` (a public id) filters."""
    rows = Channel.objects.select_related("agent").order_by("name", "id")
    rows = where(rows, agent__public_id=agent)
    return rows


def channel_rows() -> list[tuple[Channel, str]]:
    """Every channel with its routing described (`Released 80% · v3 20%`)."""
    return [(channel, describe(channel.target, channel.variants)) for channel in channel_list()]


def channel(public_id: str) -> Channel:
    """One channel with its agent; UnknownReference when there is none."""
    return one(
        Channel.objects.select_related("agent").filter(public_id=public_id),
        f"No channel {public_id}.",
    )


def agent_channels(agent: Agent) -> QuerySet[Channel]:
    """An agent's channels, for filters."""
    return Channel.objects.filter(agent_id=agent.pk).only("public_id", "name")


def channel_history(channel: Channel, limit: int = 10) -> list:
    """The channel's latest changes, newest first, with who made them."""
    return list(channel.history.select_related("history_user")[:limit])


def routable_agent(public_id: str, *, path: str = "agent") -> Agent:
    """The agent a channel form or request names; InvalidInput (at `path`) when none."""
    found = Agent.objects.agents().filter(public_id=public_id).first() if public_id else None
    if found is None:
        raise InvalidInput(
            [{"path": path, "message": f"no agent {public_id}" if public_id else "choose an agent"}]
        )
    return found


def channel_as_of(channel, at: datetime) -> dict:
    """What served a channel at time `at`: its routing then, and for each arm the version
    (or draft revision) it resolved to, from the channel's history and the release log."""
    try:
        then = channel.history.as_of(at)
    except ObjectDoesNotExist:
        return {"existed": False, "target": None, "variants": None, "serves": []}
    arms = then.variants or [{"target": then.target, "weight": 100}]

    def pointer_then(label: str):
        """Where `released` or a label pointed at `at` (its last move before then)."""
        event = (
            ReleaseEvent.objects.filter(agent_id=then.agent_id, label=label, released_at__lte=at)
            .select_related("version")
            .only("version__number", "version__content_hash")
            .order_by("-released_at", "-id")
            .first()
        )
        return event.version if event else None

    released = pointer_then("released")
    draft = (
        Draft.history.filter(agent_id=then.agent_id, history_date__lte=at)
        .order_by("-history_date", "-history_id")
        .only("revision", "content_hash")
        .first()
    )
    numbers = {
        a["target"]["version"]
        for a in arms
        if isinstance(a["target"], dict) and "version" in a["target"]
    }
    hashes = dict(
        PublishedVersion.objects.filter(agent_id=then.agent_id, number__in=numbers).values_list(
            "number", "content_hash"
        )
    )
    serves = []
    for arm in arms:
        target = arm["target"]
        if target == "released" or (isinstance(target, dict) and "label" in target):
            pointed = released if target == "released" else pointer_then(target["label"])
            version = pointed.number if pointed else None
            content_hash = pointed.content_hash if pointed else None
        elif target == "draft":
            version = "draft"
            content_hash = draft.content_hash if draft else None
        else:
            version, content_hash = target["version"], hashes.get(target["version"])
        serves.append(
            {
                "variant": target_label(target),
                "weight": arm["weight"],
                "version": version,
                "content_hash": content_hash,
                "draft_revision": draft.revision if target == "draft" and draft else None,
            }
        )
    return {"existed": True, "target": then.target, "variants": then.variants, "serves": serves}


def routing(channel: Channel) -> dict[str, Any]:
    """What a client needs to assign callers as `POST /conversations` does: the targets
    with the versions they point at now and their weights (a rollout's current step
    included), the rule, and the last change's `seq` (what this answer is as of)."""
    seq = changes_selectors.latest_seq()
    arms = channel.variants or [{"target": channel.target, "weight": 100}]
    targets = []
    for arm in arms:
        ref = routing_domain.target_ref(channel.agent.public_id, arm["target"])
        try:
            version = runtime.resolve(ref).version
        except AgentNotPublished:
            version = None
        label = routing_domain.target_label(arm["target"])
        targets.append({"variant": label, "target": arm["target"], "version": version, **arm})
    rollout = channel.rollouts.filter(status__in=Rollout.IN_FLIGHT).first()
    return {
        "channel": channel.public_id,
        "agent": channel.agent.public_id,
        "seq": seq,
        "split": bool(channel.variants),
        "rule": routing_domain.RULE,
        "targets": targets,
        "rollout": None
        if rollout is None
        else {"id": rollout.public_id, "step": rollout.step, "weight": rollout.weight},
    }
