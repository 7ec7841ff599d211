"""Simulated callers on a channel, for people trying rollouts and for the demo data:
real conversations through the same services the API uses (start on the channel,
end with an outcome), with a completion rate per version."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from agents.models import Channel, Rollout
from agents.services.base import User
from agents.services.channels import start_conversation_on_channel
from agents.services.conversations import end_conversation
from agents.services.rollouts import evaluate_rollout


@dataclass
class Tally:
    served: dict[str, list[int]] = field(default_factory=dict)  # label → [total, completed]
    rollout: Rollout | None = None


def simulate_traffic(
    *,
    channel: Channel,
    user: User,
    conversations: int,
    rates: dict[str, float],
    default_rate: float = 0.8,
    rng: random.Random | None = None,
    evaluate_every: int = 10,
    felt: dict[str, dict[str, float]] | None = None,
) -> Tally:
    """Start and end `conversations` callers on `channel`; a caller served `v3` completes
    with probability `rates["v3"]` (else `default_rate`). Every `evaluate_every` calls
    the channel's running rollout is evaluated, as the worker's timer would (ends
    also trigger it on commit, debounced), so the outcome shows as the calls come.

    With `felt` ({"v3": {"latency_ms": 1200, "satisfaction": 3.6, "cost": 0.03,
    "polite": 0.4}}), each call also reports what the caller felt around those
    means, and a short transcript (the agent says "please" with the `polite` share)."""
    rng = rng or random.Random()
    tally = Tally()
    for i in range(conversations):
        channel.refresh_from_db()
        conversation, _resolved = start_conversation_on_channel(
            channel=channel, user=user, key=f"sim-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
        )
        bound = conversation.bound_version
        label = f"v{bound}" if conversation.version_id else str(bound)
        completed = rng.random() < rates.get(label, default_rate)
        end_conversation(
            conversation=conversation,
            user=user,
            outcome="completed" if completed else "abandoned",
            duration_s=round(rng.uniform(20, 240), 1),
            **(_felt(felt[label], completed, rng) if felt and label in felt else {}),
        )
        counts = tally.served.setdefault(label, [0, 0])
        counts[0] += 1
        counts[1] += completed
        if (i + 1) % evaluate_every == 0 or i + 1 == conversations:
            _evaluate(channel)
    tally.rollout = Rollout.objects.filter(channel=channel).order_by("-created_at", "-id").first()
    return tally


def _evaluate(channel: Channel) -> None:
    running = Rollout.objects.filter(channel=channel, status=Rollout.Status.RUNNING).first()
    if running is not None:
        evaluate_rollout(running.pk)


def _felt(means: dict[str, float], completed: bool, rng: random.Random) -> dict:
    """Latency, a rating, a cost and a transcript around `means`."""
    latency = means.get("latency_ms", 800) * rng.lognormvariate(0, 0.25)
    rating = rng.gauss(means.get("satisfaction", 4.0), 0.8)
    please = "please " if rng.random() < means.get("polite", 0.8) else ""
    answer = (
        f"Certainly, {please}hold on while I book Tuesday at 10."
        if completed
        else "Let me transfer you to the front desk."
    )
    return {
        "latency_ms": round(latency, 1),
        "satisfaction": max(1, min(5, round(rating))),
        "cost": round(max(0.0, rng.gauss(means.get("cost", 0.03), 0.004)), 4),
        "turns": [
            {"role": "user", "content": "I'd like to book an appointment for Tuesday."},
            {"role": "assistant", "content": answer, "latency_ms": round(latency, 1)},
        ],
    }
