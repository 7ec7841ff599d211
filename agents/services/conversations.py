"""Binding conversations to one frozen configuration, and recording how they end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from agents.domain.exceptions import ConversationEnded, InvalidInput
from agents.domain.quality import check_signals
from agents.domain.text import clean_text
from agents.models import ConfigSnapshot, Conversation, Turn
from agents.selectors import runtime
from agents.services import metrics
from agents.services.base import User, actor
from agents.services.snapshots import freeze

# Sent once a conversation (not the playground's) has ended and committed, with its
# `channel_ref` ("" off channels) and `agent_id`: rollouts (services/rollouts.py)
# and regression alerts (services/alerts.py) listen, so the rule looks at outcomes
# as they arrive.
conversation_ended = Signal()

# A conversation a runtime reports after an outage: how late it may come, and how far
# ahead the runtime's clock may run.
OFFLINE_MAX_AGE = timedelta(days=7)
OFFLINE_CLOCK_SKEW = timedelta(minutes=1)


def bind(ref: str) -> tuple[runtime.Resolved, ConfigSnapshot | None]:
    """Freeze what `ref` means now: a version is referenced as it is (immutable); a
    draft is frozen as a snapshot stored once per content hash, so later edits never
    reach whatever was bound to it (conversations, eval runs)."""
    resolved = runtime.resolve(ref)
    return resolved, (
        freeze(resolved.content_hash, resolved.config) if resolved.version_pk is None else None
    )


def revision_number(resolved: runtime.Resolved) -> int | None:
    """N when `resolved` is draft revision rN, else None."""
    version = resolved.version
    return int(version[1:]) if isinstance(version, str) and version.startswith("r") else None


def branch_name(resolved: runtime.Resolved) -> str:
    """NAME when `resolved` is a branch's draft (`draft:NAME`), else ""."""
    version = resolved.version
    if isinstance(version, str) and version.startswith("draft:"):
        return version.removeprefix("draft:")
    return ""


def start_conversation(
    *,
    ref: str,
    user: User,
    key: str = "",
    channel_ref: str = "",
    variant: str = "",
    playground: bool = False,
    offline_since: datetime | None = None,
) -> tuple[Conversation, runtime.Resolved]:
    """Bind a new conversation to exactly one frozen configuration, forever. With
    `offline_since`, a runtime started it then, while the console was unreachable."""
    key = clean_text(key, path="key", required=False, max_length=200)
    resolved, snapshot = bind(ref)
    offline = {} if offline_since is None else {"offline": True, "started_at": offline_since}
    with transaction.atomic(savepoint=False):  # the row and its day's count, together
        conversation = Conversation.objects.create(
            agent_id=resolved.agent_pk,
            version_id=resolved.version_pk,
            snapshot=snapshot,
            content_hash=resolved.content_hash,
            channel_ref=channel_ref,
            variant=variant,
            key=key,
            started_by_id=who.pk if (who := actor(user)) else None,
            playground=playground,
            revision=revision_number(resolved),
            branch=branch_name(resolved),
            prompt_versions=[
                {"prompt": p["prompt"], "role": p["role"], "version": p["version"]}
                for p in resolved.prompts
            ],
            **offline,
        )
        metrics.record(conversation)
    return conversation, resolved


def offline_start(started_at: datetime, *, now: datetime | None = None) -> datetime:
    """When an offline conversation started, as reported: not in the future (beyond
    OFFLINE_CLOCK_SKEW of the runtime's clock) nor older than OFFLINE_MAX_AGE."""
    now = now or timezone.now()
    if started_at.tzinfo is None:
        raise InvalidInput([{"path": "offline.started_at", "message": "give a time zone"}])
    if started_at > now + OFFLINE_CLOCK_SKEW:
        raise InvalidInput([{"path": "offline.started_at", "message": "is in the future"}])
    if started_at < now - OFFLINE_MAX_AGE:
        raise InvalidInput(
            [{"path": "offline.started_at", "message": "is older than 7 days: too late to report"}]
        )
    return min(started_at, now)


def end_conversation(
    *,
    conversation: Conversation,
    user: User,
    outcome: str,
    duration_s: float | None = None,
    sentiment: float | None = None,
    automated: bool | None = None,
    analysis: dict[str, Any] | None = None,
    latency_ms: float | None = None,
    satisfaction: int | None = None,
    cost: float | None = None,
    scores: dict[str, float] | None = None,
    turns: list[dict[str, Any]] | None = None,
) -> Conversation:
    """Record how a conversation ended, once, with what callers felt (latency,
    satisfaction, cost, scores) and its transcript; ending it again raises
    ConversationEnded, and a refusal stores nothing."""
    problems = []
    if outcome not in Conversation.Outcome.values:
        problems.append(
            {
                "path": "outcome",
                "message": f"must be one of {', '.join(Conversation.Outcome.values)}",
            }
        )
    if duration_s is not None and duration_s < 0:
        problems.append({"path": "duration_s", "message": "must be at least 0"})
    if sentiment is not None and not -1 <= sentiment <= 1:
        problems.append({"path": "sentiment", "message": "must be between -1 and 1"})
    if analysis is not None and not isinstance(analysis, dict):
        problems.append({"path": "analysis", "message": "must be a JSON object"})
    signals, signal_problems = check_signals(
        latency_ms=latency_ms, satisfaction=satisfaction, cost=cost, scores=scores, turns=turns
    )
    problems.extend(signal_problems)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.ended_at is not None:
            raise ConversationEnded(f"{locked.public_id} already ended at {locked.ended_at}.")
        before = metrics.tally(locked)
        locked.ended_at = timezone.now()
        locked.outcome = outcome
        locked.duration_s = duration_s
        locked.sentiment = sentiment
        locked.automated = automated
        locked.analysis = analysis or {}
        locked.latency_ms = signals.latency_ms
        locked.satisfaction = signals.satisfaction
        locked.cost = signals.cost
        locked.scores = {**locked.scores, **(signals.scores or {})}
        locked.save(update_fields=[*ENDED_FIELDS])
        metrics.record(locked, before)
        if signals.turns:
            first = Turn.objects.filter(conversation=locked).count()
            Turn.objects.bulk_create(
                Turn(conversation=locked, position=first + i, created_at=locked.ended_at, **turn)
                for i, turn in enumerate(signals.turns)
            )
        if not locked.playground:
            channel_ref, agent_id = locked.channel_ref, locked.agent_id
            transaction.on_commit(
                lambda: conversation_ended.send(
                    sender=Conversation, channel_ref=channel_ref, agent_id=agent_id
                )
            )
    return locked


# What ending a conversation sets, once.
ENDED_FIELDS = (
    "ended_at",
    "outcome",
    "duration_s",
    "sentiment",
    "automated",
    "analysis",
    "latency_ms",
    "satisfaction",
    "cost",
    "scores",
)
