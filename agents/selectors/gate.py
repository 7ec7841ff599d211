"""Production pointers: what decides what a caller is served, read for the gate.

An agent's production pointers are `released`, every protected label, every
label a channel follows (as its target, in a variant, or as a rollout's
baseline), the channels' routing, and — for a prompt — its `released` as far as
agents follow it. A version is *cleared* for production when it served as
`released` before, a protected label holds it, or a release request for it was
approved: those are the versions a Releaser may point a channel or a rollout at
without a new request.
"""

from __future__ import annotations

from django.db.models import Max

from agents.domain import routing as routing_domain
from agents.models import (
    RELEASED,
    Agent,
    Channel,
    Label,
    PromptUse,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
)


def followers_of_labels(agent: Agent) -> dict[str, list[str]]:
    """Label name → the names of the channels that follow it (target or variant)."""
    found: dict[str, list[str]] = {}
    for channel in Channel.objects.filter(agent_id=agent.pk).only("name", "target", "variants"):
        routing = {"target": channel.target, "variants": channel.variants}
        for name in sorted(routing_domain.labels_named(routing)):
            found.setdefault(name, []).append(channel.name)
    return found


def label_followers(agent: Agent, name: str) -> list[str]:
    """The channels that follow label `name` of `agent` (empty for `released`: every
    move of `released` is gated anyway)."""
    if name == RELEASED:
        return []
    return followers_of_labels(agent).get(name, [])


def cleared_versions(agent: Agent) -> set[int]:
    """Ids of the agent's versions cleared for production (see the module)."""
    cleared = set(
        ReleaseEvent.objects.filter(agent_id=agent.pk, label=RELEASED).values_list(
            "version_id", flat=True
        )
    )
    cleared |= set(
        Label.objects.filter(agent_id=agent.pk, protected=True).values_list("version_id", flat=True)
    )
    cleared |= set(
        ReleaseRequest.objects.filter(
            agent_id=agent.pk,
            status__in=[ReleaseRequest.Status.APPROVED, ReleaseRequest.Status.RELEASED],
        ).values_list("version_id", flat=True)
    )
    if agent.released_version_id:
        cleared.add(agent.released_version_id)
    return cleared


def served_before(agent: Agent, version: PublishedVersion) -> bool:
    """`version` served production as `released` once (the eval gate does not stop
    going back to it)."""
    return (
        agent.released_version_id == version.pk
        or ReleaseEvent.objects.filter(
            agent_id=agent.pk, label=RELEASED, version_id=version.pk
        ).exists()
    )


def approvals_required(agent: Agent, label: str = RELEASED) -> int:
    """The approvals a move of `label` of `agent` needs: the agent's rule, and for a
    prompt's `released` the strictest rule among the agents whose versions follow it
    (releasing the prompt changes what they serve)."""
    need = agent.approvals_required
    if agent.kind == Agent.Kind.PROMPT and label == RELEASED:
        strictest = (
            PromptUse.objects.filter(
                prompt_id=agent.pk,
                pinned__isnull=True,
                version__isnull=False,
                agent__archived_at__isnull=True,
            ).aggregate(most=Max("agent__approvals_required"))["most"]
            or 0
        )
        need = max(need, strictest)
    return need
