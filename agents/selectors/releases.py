"""What moving a pointer (`released` or a label) to a version would do: the rule the
release service, the label service and the dialogs share."""

from __future__ import annotations

from dataclasses import dataclass

from agents.models import (
    RELEASED,
    Agent,
    Label,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
    ScheduledRelease,
)
from agents.selectors import approvals, gate, labels, schedules
from agents.selectors.evals import gate_findings


@dataclass(frozen=True)
class ReleasePlan:
    version: PublishedVersion
    current: PublishedVersion | None  # what the pointer holds now
    gate_on: bool  # the agent requires a passing eval run, and this would change production
    findings: list[str]  # why the gate refuses; empty when it passes (or is off)
    released_before: bool = False  # `version` served production once (set for rollbacks)
    label: str = RELEASED
    protected: bool = True  # a production pointer: `released`, a protected or followed label
    approvals_required: int = 0  # the agent's rule (a prompt's: its strictest follower's)
    undo_last: bool = False  # back to what the pointer held just before its last move
    exists: bool = True  # False for a label that this move would create
    followers: tuple[str, ...] = ()  # the channels following this label

    @property
    def already_released(self) -> bool:
        return self.current is not None and self.current.pk == self.version.pk

    @property
    def rollback(self) -> bool:
        """Moving to a lower number than the one held is a rollback."""
        return self.current is not None and self.version.number < self.current.number

    @property
    def kind(self) -> str:
        return "rollback" if self.rollback else "release"

    @property
    def undo(self) -> bool:
        """Rolling back to a version that served production before: undoing a bad
        release must take seconds, so the gate reports but does not block it."""
        return self.rollback and (self.released_before or self.undo_last)

    @property
    def blocked(self) -> bool:
        """The gate refuses this release unless someone says why it goes anyway."""
        return bool(self.findings) and not self.undo

    @property
    def needs_approval(self) -> bool:
        """Only through an approved request (or a recorded exception: undoing the last
        move, or a superuser's break glass)."""
        return self.protected and self.approvals_required > 0 and not self.undo_last


def _last_move(agent: Agent, label: str) -> ReleaseEvent | None:
    return (
        ReleaseEvent.objects.filter(agent_id=agent.pk, label=label)
        .only("version_id", "previous_version_id")
        .order_by("-released_at", "-id")
        .first()
    )


def release_plan(*, agent: Agent, version: PublishedVersion, label: str = RELEASED) -> ReleasePlan:
    """The plan for pointing `label` of `agent` at `version` as the agent is now (lock
    the agent first when acting on the plan)."""
    followers = tuple(gate.label_followers(agent, label))
    if label == RELEASED:
        current, protected, exists = agent.released_version, True, True
    else:
        row = Label.objects.filter(agent_id=agent.pk, name=label).select_related("version").first()
        current = row.version if row else None
        protected = bool(followers) or (row.protected if row else False)
        exists = row is not None
    moving = current is None or current.pk != version.pk
    rollback = current is not None and version.number < current.number
    last = _last_move(agent, label) if rollback else None
    undo_last = bool(
        last and last.version_id == current.pk and last.previous_version_id == version.pk
    )
    gate_on = protected and agent.require_passing_eval and moving
    return ReleasePlan(
        version=version,
        current=current,
        gate_on=gate_on,
        findings=gate_findings(agent=agent, version=version) if gate_on else [],
        released_before=gate_on
        and rollback
        and ReleaseEvent.objects.filter(
            agent_id=agent.pk, label=label, version_id=version.pk
        ).exists(),
        label=label,
        protected=protected,
        approvals_required=gate.approvals_required(agent, label),
        undo_last=undo_last,
        exists=exists,
        followers=followers,
    )


@dataclass(frozen=True)
class ReleaseOverview:
    """The agent page's Releases card: labels, requests in flight, pending schedules."""

    labels: list[labels.LabelView]
    requests: list[ReleaseRequest]
    schedules: list[ScheduledRelease]


def release_overview(agent: Agent) -> ReleaseOverview:
    in_flight = approvals.release_requests(agent=agent).filter(status__in=["open", "approved"])
    return ReleaseOverview(
        labels=labels.labels_of(agent),
        requests=list(in_flight[:10]),
        schedules=list(schedules.scheduled_releases(agent, pending_only=True)[:10]),
    )
