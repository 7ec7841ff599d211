"""Reading the changes a runtime has not seen: after a `seq`, optionally for some
agents, channels or prompts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from agents.domain.exceptions import InvalidInput
from agents.models import Agent, Change, ChangeCounter, Channel, StreamNode

MAX_PAGE = 1_000


def latest_seq() -> int:
    """The last `seq` committed: every change numbered up to it can be read."""
    return ChangeCounter.objects.values_list("value", flat=True).first() or 0


def oldest_kept() -> int | None:
    """The first change kept, in any workspace (numbers count across workspaces)."""
    return Change._base_manager.order_by("seq").values_list("seq", flat=True).first()


def changes(
    *,
    since: int = 0,
    agents: Iterable[str] = (),
    channels: Iterable[str] = (),
    prompts: Iterable[str] = (),
) -> QuerySet[Change]:
    """Changes after `since`, oldest first; with filters, those about any of the named
    agents, channels or prompts (a channel's changes include its agent's)."""
    rows = Change.objects.filter(seq__gt=since).select_related(
        "agent", "channel", "prompt", "change_request", "workspace"
    )
    agents, channels, prompts = list(agents), list(channels), list(prompts)
    if agents or channels or prompts:
        about = Q(agent__public_id__in=agents) | Q(prompt__public_id__in=prompts)
        if channels:
            about |= Q(channel__public_id__in=channels)
            about |= Q(agent__channels__public_id__in=channels, channel__isnull=True)
        rows = rows.filter(about).distinct()
    return rows.order_by("seq")


def page_after(since: int, limit: int, **filters: Iterable[str]) -> tuple[list[Change], int, bool]:
    """Up to `limit` changes after `since`, the `seq` to ask after next (the last one
    given, or, when there are no more, the latest committed: nothing matching lies
    before it), and whether changes after `since` were pruned (then none are given:
    the reader must refetch everything). A `since` beyond the latest is refused: the
    caller's number is not this installation's."""
    latest = latest_seq()
    if since > latest:
        raise InvalidInput([{"path": "since", "message": f"is beyond the last change ({latest})"}])
    if missed(since, latest):
        return [], latest, True
    found = list(changes(since=since, **filters)[: limit + 1])
    if len(found) > limit:
        return found[:limit], found[limit - 1].seq, False
    return found, latest, False


def missed(since: int, latest: int | None = None) -> bool:
    """Whether changes after `since` were pruned: numbers are handed out without gaps,
    so a kept change past `since + 1` means the ones between are gone."""
    latest = latest_seq() if latest is None else latest
    oldest = oldest_kept()
    return since < latest and (oldest is None or oldest > since + 1)


def event(change: Change) -> dict[str, Any]:
    """A change as runtimes read it (`GET /changes`, the stream): what it is about
    by public id, absent fields left out. Its agent, channel and prompt are selected
    with it (`changes`)."""
    shown = {
        "seq": change.seq,
        "kind": change.kind,
        "workspace": change.workspace.public_id,
        "agent": change.agent.public_id if change.agent_id else None,
        "channel": change.channel.public_id if change.channel_id else None,
        "prompt": change.prompt.public_id if change.prompt_id else None,
        "ref": change.ref or None,
        "version": change.version,
        "archived": change.archived,
        "change_request": change.change_request.public_id if change.change_request_id else None,
        "at": change.at,
    }
    return {key: value for key, value in shown.items() if value is not None}


NODE_FRESH_S = 30  # a node that has not reported for this long is gone


@dataclass(frozen=True)
class Pushed:
    """What the console shows of the stream for an agent or a channel: the latest
    change about it, how many subscribers it was pushed to, and how many listen now."""

    change: Change | None
    reached: int
    listening: int


def pushed(*, agent: Agent | None = None, channel: Channel | None = None) -> Pushed:
    """Two queries: the latest change and the nodes seen lately (each node reports
    its subscribers and what recent changes reached)."""
    if channel is not None:
        about = Q(channel=channel) | Q(agent=channel.agent, channel__isnull=True)
    else:  # an agent's changes, or a library prompt's own
        about = Q(agent=agent) | Q(prompt=agent, agent__isnull=True)
    change = Change.objects.filter(about).order_by("-seq").first()
    owner = channel.agent if channel else agent
    fresh = timezone.now() - timedelta(seconds=NODE_FRESH_S)
    listening = reached = 0
    for node in StreamNode.objects.filter(seen_at__gte=fresh):
        listening += node.listening.get("*", 0) + node.listening.get(owner.public_id, 0)
        if change is not None:
            reached += node.pushed.get(str(change.seq), 0)
    return Pushed(change, reached, listening)
