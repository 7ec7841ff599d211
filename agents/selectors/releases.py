"""What releasing a version would do: the rule the release service and dialog share."""

from __future__ import annotations

from dataclasses import dataclass

from agents.models import Agent, PublishedVersion
from agents.selectors.evals import gate_findings


@dataclass(frozen=True)
class ReleasePlan:
    version: PublishedVersion
    current: PublishedVersion | None  # what is released now
    gate_on: bool  # the agent requires a passing eval run, and this would change production
    findings: list[str]  # why the gate refuses; empty when it passes (or is off)

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


def release_plan(*, agent: Agent, version: PublishedVersion) -> ReleasePlan:
    """The plan for releasing `version` of `agent` as the agent is now (lock it first
    when acting on the plan)."""
    current = agent.released_version
    gate_on = agent.require_passing_eval and agent.released_version_id != version.pk
    return ReleasePlan(
        version=version,
        current=current,
        gate_on=gate_on,
        findings=gate_findings(agent=agent, version=version) if gate_on else [],
    )
