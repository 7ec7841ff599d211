"""Rollouts: the two arms' outcomes in the current step (one aggregate query)."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db.models import Count, Prefetch, Q

from agents.domain.routing import target_label
from agents.domain.stats import HIGHER_IS_WORSE, Arm, Verdict, compare_arms, wilson_interval
from agents.models import Alert, Conversation, Rollout, RolloutEvent
from agents.selectors.base import one

# What counts as a hit for each metric, over ended conversations.
HITS = {
    "completion_rate": Q(outcome="completed"),
    "automation_rate": Q(automated=True),
    "transfer_rate": Q(outcome="transferred"),
    "failure_rate": Q(outcome="failed"),
}


def arm_labels(rollout: Rollout) -> tuple[str, str]:
    """The variant labels conversations carry for the baseline and the candidate."""
    return target_label(rollout.baseline), rollout.candidate.label


def step_arms(rollout: Rollout) -> tuple[Arm, Arm]:
    """Baseline and candidate outcomes on `rollout.metric` for conversations that
    started on the channel in the current step (before the rollout ended, if it has)
    and have ended: one aggregate query on the index on (channel, start)."""
    return arms_of([rollout])[rollout.pk]


def arms_of(rollouts: Iterable[Rollout]) -> dict[int, tuple[Arm, Arm]]:
    """step_arms of several rollouts (a channel's list) in one aggregate query."""
    scopes, counts = [], {}
    labels = {}
    for rollout in rollouts:
        baseline, candidate = labels[rollout.pk] = arm_labels(rollout)
        scope = Q(channel_ref=rollout.channel.public_id, started_at__gte=rollout.step_started_at)
        if rollout.finished_at is not None:  # the evidence as it stood when it ended
            scope &= Q(started_at__lt=rollout.finished_at)
        scopes.append(scope & Q(variant__in=[baseline, candidate]))
        for side, label in (("b", baseline), ("c", candidate)):
            arm = scope & Q(variant=label)
            counts[f"r{rollout.pk}{side}_total"] = Count("id", filter=arm)
            counts[f"r{rollout.pk}{side}_hits"] = Count("id", filter=arm & HITS[rollout.metric])
    if not scopes:
        return {}
    found = (
        Conversation.objects.filter(ended_at__isnull=False)
        .filter(reduce(operator.or_, scopes))
        .aggregate(**counts)
    )
    return {
        pk: tuple(
            Arm(found[f"r{pk}{side}_hits"], found[f"r{pk}{side}_total"]) for side in ("b", "c")
        )
        for pk in labels
    }


# A rollout's timeline, oldest first, with who acted.
_EVENTS = Prefetch(
    "events", queryset=RolloutEvent.objects.select_related("by").order_by("at", "id")
)


def rollouts_in_flight():
    return Rollout.objects.filter(status__in=Rollout.IN_FLIGHT).select_related(
        "channel", "candidate"
    )


def rollout(public_id: str) -> Rollout:
    return one(
        (
            Rollout.objects.select_related("channel__agent", "candidate", "created_by")
            .prefetch_related(_EVENTS)
            .filter(public_id=public_id)
        ),
        f"No rollout {public_id}.",
    )


def channel_rollouts(channel):
    return (
        Rollout.objects.filter(channel=channel)
        .select_related("channel", "candidate", "created_by")
        .prefetch_related(_EVENTS)
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class ArmView:
    side: str  # "baseline" | "candidate"
    label: str  # "released", "v3"
    arm: Arm
    low: float
    high: float  # the 95% Wilson interval of the rate


@dataclass(frozen=True)
class Progress:
    """Where a rollout's current step stands: both arms, what the rule says, and how
    far the step is from its minimums."""

    arms: tuple[ArmView, ArmView]
    verdict: Verdict
    conversations: int  # the smaller arm's, against min_conversations
    minutes: int  # since the step began, against min_minutes
    threshold: float | None  # the candidate's rate beyond which it may be rolled back


def _interval(arm: Arm) -> tuple[float, float]:
    return wilson_interval(arm.hits, arm.total)


def progress(rollout: Rollout, *, now: datetime) -> Progress:
    baseline, candidate = step_arms(rollout)
    labels = arm_labels(rollout)
    views = (
        ArmView("baseline", labels[0], baseline, *wilson_interval(baseline.hits, baseline.total)),
        ArmView(
            "candidate", labels[1], candidate, *wilson_interval(candidate.hits, candidate.total)
        ),
    )
    threshold = None
    if baseline.rate is not None:
        sign = 1 if rollout.metric in HIGHER_IS_WORSE else -1
        threshold = min(1.0, max(0.0, baseline.rate + sign * rollout.max_drop))
    end = rollout.finished_at or now
    return Progress(
        arms=views,
        verdict=compare_arms(baseline, candidate, metric=rollout.metric, max_drop=rollout.max_drop),
        conversations=min(baseline.total, candidate.total),
        minutes=max(0, int((end - rollout.step_started_at).total_seconds() // 60)),
        threshold=threshold,
    )


def events_of(rollout: Rollout) -> list[RolloutEvent]:
    return list(rollout.events.all())


def open_alerts_of_channel(channel) -> list:
    return list(
        Alert.objects.filter(rollout__channel=channel, acked_at__isnull=True)
        .select_related("version", "rollout")
        .order_by("-created_at", "-id")
    )
