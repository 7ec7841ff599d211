"""Recording a change of what runtimes are served, in the transaction that makes it.

Every production pointer's move goes through here: a release or rollback, a label's
move or removal, a channel's routing (by hand or a rollout's step), a prompt's
release (for the prompt and each agent following it), an agent archived or back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from agents.models import (
    Agent,
    Change,
    ChangeCounter,
    ChangeRequest,
    Channel,
    PromptUse,
    StreamNode,
)
from agents.services import broadcast


class About(TypedDict, total=False):
    """What a change is about: any of an agent, a channel, a prompt; the pointer that
    moved (`ref`) and the version it points at; for archiving, which way."""

    agent: Agent
    channel: Channel
    prompt: Agent
    ref: str
    version: int | None
    archived: bool
    change_request: ChangeRequest


def record(kind: str, **about: Unpack[About]) -> Change:
    """Number the change with the next `seq` and store it. Call it inside the
    transaction that makes the change, as late as it can be: the counter's row stays
    locked until that transaction ends, which is what keeps `seq` in commit order."""
    [change] = record_many(kind, [about])
    return change


def record_many(kind: str, abouts: list[About]) -> list[Change]:
    """Changes of one kind numbered one after another: one counter update, one insert."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a change is recorded in the transaction that makes it")
    last = _advance(len(abouts))
    first = last - len(abouts) + 1
    transaction.on_commit(lambda: broadcast.announce(last))
    return Change.objects.bulk_create(
        [
            Change(seq=first + i, kind=kind, workspace_id=_workspace_of(about), **about)
            for i, about in enumerate(abouts)
        ]
    )


def _workspace_of(about: About) -> int:
    """The workspace a change is seen in: its agent's, prompt's or channel's."""
    owner = about.get("agent") or about.get("prompt") or about["channel"].agent
    return owner.workspace_id


def _advance(count: int) -> int:
    """Move the counter on by `count` and return its new value; its row stays locked
    until this transaction ends."""
    if not ChangeCounter.objects.filter(pk=1).update(value=F("value") + count):
        # The migration's row was flushed away (tests): put it back, once, whoever races.
        start = Change.objects.aggregate(last=Max("seq"))["last"] or 0
        ChangeCounter.objects.bulk_create([ChangeCounter(pk=1, value=start)], ignore_conflicts=True)
        ChangeCounter.objects.filter(pk=1).update(value=F("value") + count)
    return ChangeCounter.objects.values_list("value", flat=True).get(pk=1)


def record_prompt_release(prompt: Agent, version: int) -> None:
    """A prompt's release: one change for the prompt, and one for each agent whose
    draft or versions follow it (what they serve renders the new text)."""
    following = PromptUse.objects.filter(prompt=prompt, pinned__isnull=True).values("agent_id")
    agents = Agent.objects.filter(pk__in=following).order_by("pk")
    released: About = {"prompt": prompt, "ref": "released", "version": version}
    record_many(
        Change.Kind.PROMPT_RELEASE,
        [released, *({**released, "agent": agent} for agent in agents)],
    )


def prune_changes(*, now: datetime | None = None) -> list[str]:
    """Forget changes older than CHANGES_KEEP_HOURS (the sweep's part): a reader asking
    for one of them is told to start again (`reset`)."""
    before = (now or timezone.now()) - timedelta(hours=settings.CHANGES_KEEP_HOURS)
    latest = ChangeCounter.objects.values_list("value", flat=True).first() or 0
    gone, _ = Change.objects.filter(at__lt=before, seq__lt=latest).delete()
    StreamNode.objects.filter(seen_at__lt=before).delete()  # processes long gone
    return [f"{gone} changes pruned"] if gone else []
