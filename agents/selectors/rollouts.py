"""Rollouts: the two arms' outcomes in the current step (one aggregate query)."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db.models import Prefetch, Q

from agents.domain import metrics
from agents.domain.routing import target_label
from agents.domain.stats import HIGHER_IS_WORSE, Arm, Verdict, compare_arms, wilson_interval
from agents.models import Alert, Conversation, Rollout, RolloutEvent
from agents.selectors import metrics as metrics_selectors
from agents.selectors.base import one


def arm_labels(rollout: Rollout) -> tuple[str, str]:
    """The variant labels conversations carry for the baseline and the candidate."""
    return target_label(rollout.baseline), rollout.candidate.label


@dataclass(frozen=True)
class Evidence:
    """A rollout's current step: both arms on its chart's rate, and each guard's verdict."""

    arms: tuple[Arm, Arm]
    verdicts: tuple[metrics.GuardVerdict, ...]
    ended: tuple[int, int]  # ended conversations per arm

    @property
    def worse(self) -> list[metrics.GuardVerdict]:
        return [v for v in self.verdicts if v.worse]


def step_arms(rollout: Rollout) -> tuple[Arm, Arm]:
    """Baseline and candidate outcomes on `rollout.metric` for conversations that
    started on the channel in the current step (before the rollout ended, if it has)
    and have ended: one aggregate query on the index on (channel, start)."""
    return evidence_of([rollout])[rollout.pk].arms


def step_evidence(rollout: Rollout) -> Evidence:
    return evidence_of([rollout])[rollout.pk]


def evidence_of(rollouts: Iterable[Rollout]) -> dict[int, Evidence]:
    """Every guard's evidence for several rollouts, in one aggregate query."""
    scopes, aggregates = [], {}
    plans = {}
    for rollout in rollouts:
        baseline, candidate = arm_labels(rollout)
        scope = Q(channel_ref=rollout.channel.public_id, started_at__gte=rollout.step_started_at)
        if rollout.finished_at is not None:  # the evidence as it stood when it ended
            scope &= Q(started_at__lt=rollout.finished_at)
        scopes.append(scope & Q(variant__in=[baseline, candidate]))
        guards = rollout.guard_list
        names = [rollout.metric, *(g.metric for g in guards)]
        plans[rollout.pk] = (rollout.metric, guards)
        for side, label in (("b", baseline), ("c", candidate)):
            arm = scope & Q(variant=label)
            for i, name in enumerate(names):
                aggregates.update(
                    metrics_selectors.side_aggregates(f"r{rollout.pk}{side}{i}", arm, name)
                )
    if not scopes:
        return {}
    found = (
        Conversation.objects.filter(ended_at__isnull=False)
        .filter(reduce(operator.or_, scopes))
        .aggregate(**aggregates)
    )
    evidence = {}
    for pk, (chart_metric, guards) in plans.items():

        def side(letter: str, i: int, name: str, pk=pk):
            return metrics_selectors.side_value(found, f"r{pk}{letter}{i}", name)

        arms = (side("b", 0, chart_metric), side("c", 0, chart_metric))
        verdicts = tuple(
            metrics.check_guard(g, side("b", i + 1, g.metric), side("c", i + 1, g.metric))
            for i, g in enumerate(guards)
        )
        evidence[pk] = Evidence(arms, verdicts, (arms[0].total, arms[1].total))
    return evidence


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
    guards: tuple[metrics.GuardVerdict, ...] = ()  # each guard's verdict now


def _interval(arm: Arm) -> tuple[float, float]:
    return wilson_interval(arm.hits, arm.total)


def progress(rollout: Rollout, *, now: datetime) -> Progress:
    evidence = step_evidence(rollout)
    baseline, candidate = evidence.arms
    labels = arm_labels(rollout)
    views = (
        ArmView("baseline", labels[0], baseline, *wilson_interval(baseline.hits, baseline.total)),
        ArmView(
            "candidate", labels[1], candidate, *wilson_interval(candidate.hits, candidate.total)
        ),
    )
    threshold = None
    guarded = any(g.metric == rollout.metric for g in rollout.guard_list)
    if baseline.rate is not None and guarded:
        sign = 1 if rollout.metric in HIGHER_IS_WORSE else -1
        threshold = min(1.0, max(0.0, baseline.rate + sign * rollout.max_drop))
    end = rollout.finished_at or now
    return Progress(
        arms=views,
        verdict=compare_arms(baseline, candidate, metric=rollout.metric, max_drop=rollout.max_drop),
        conversations=min(baseline.total, candidate.total),
        minutes=max(0, int((end - rollout.step_started_at).total_seconds() // 60)),
        threshold=threshold,
        guards=evidence.verdicts,
    )


def events_of(rollout: Rollout) -> list[RolloutEvent]:
    return list(rollout.events.all())


def open_alerts_of_channel(channel) -> list:
    return list(
        Alert.objects.filter(rollout__channel=channel, acked_at__isnull=True)
        .select_related("version", "rollout")
        .order_by("-created_at", "-id")
    )
