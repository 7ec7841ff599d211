"""What releasing a version would do: the rule the release service and dialog share."""

from __future__ import annotations

from dataclasses import dataclass

from agents.models import Agent, PublishedVersion, ReleaseEvent
from agents.selectors.evals import gate_findings


@dataclass(frozen=True)
class ReleasePlan:
    version: PublishedVersion
    current: PublishedVersion | None  # what is released now
    gate_on: bool  # the agent requires a passing eval run, and this would change production
    findings: list[str]  # why the gate refuses; empty when it passes (or is off)
    released_before: bool = False  # `version` served production once (set for rollbacks)

    @property
    def already_released(self) -> bool:
        return self.current is not None and self.current.pk == self.version.pk

    @property
    def rollback(self) -> bool:
        """Releasing a lower number than the one released is a rollback."""
        return self.current is not None and self.version.number < self.current.number

    @property
    def kind(self) -> str:
        return "rollback" if self.rollback else "release"

    @property
    def undo(self) -> bool:
        """Rolling back to a version that served production before: undoing a bad
        release must take seconds, so the gate reports but does not block it."""
        return self.rollback and self.released_before

    @property
    def blocked(self) -> bool:
        """The gate refuses this release unless someone says why it goes anyway."""
        return bool(self.findings) and not self.undo


def release_plan(*, agent: Agent, version: PublishedVersion) -> ReleasePlan:
    """The plan for releasing `version` of `agent` as the agent is now (lock it first
    when acting on the plan)."""
    current = agent.released_version
    gate_on = agent.require_passing_eval and agent.released_version_id != version.pk
    rollback = current is not None and version.number < current.number
    return ReleasePlan(
        version=version,
        current=current,
        gate_on=gate_on,
        findings=gate_findings(agent=agent, version=version) if gate_on else [],
        released_before=gate_on
        and rollback
        and ReleaseEvent.objects.filter(agent_id=agent.pk, version_id=version.pk).exists(),
    )
