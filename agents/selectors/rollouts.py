"""Rollouts: the two arms' outcomes in the current step (one aggregate query)."""

from __future__ import annotations

from django.db.models import Count, Q

from agents.domain.exceptions import UnknownReference
from agents.domain.routing import target_label
from agents.domain.stats import Arm
from agents.models import Conversation, Rollout

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
    started on the channel in the current step and have ended: one query on the
    channel's conversations (index on channel, start)."""
    baseline, candidate = arm_labels(rollout)
    rows = (
        Conversation.objects.filter(
            channel_ref=rollout.channel.public_id,
            started_at__gte=rollout.step_started_at,
            ended_at__isnull=False,
            variant__in=[baseline, candidate],
        )
        .values("variant")
        .annotate(total=Count("id"), hits=Count("id", filter=HITS[rollout.metric]))
    )
    found = {row["variant"]: Arm(row["hits"], row["total"]) for row in rows}
    return found.get(baseline, Arm(0, 0)), found.get(candidate, Arm(0, 0))


def rollouts_in_flight():
    return Rollout.objects.filter(status__in=Rollout.IN_FLIGHT).select_related(
        "channel", "candidate"
    )


def rollout(public_id: str) -> Rollout:
    found = (
        Rollout.objects.select_related("channel", "candidate", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise UnknownReference(f"No rollout {public_id}.")
    return found


def channel_rollouts(channel):
    return (
        Rollout.objects.filter(channel=channel)
        .select_related("channel", "candidate", "created_by")
        .order_by("-created_at", "-id")
    )
