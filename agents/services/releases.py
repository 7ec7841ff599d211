"""Releasing a version to production (a lower number is a rollback)."""

from __future__ import annotations

from django.db import transaction

from agents.domain.exceptions import ReleaseGateFailed
from agents.domain.text import clean_text
from agents.models import Agent, PublishedVersion, ReleaseEvent
from agents.selectors import runtime
from agents.selectors.releases import release_plan
from agents.services.base import (
    User,
    actor,
    check_active,
    record,
)

UNDO_PAST_THE_GATE = (
    "Rollback to a version that served production before: the gate does not block undoing "
    "a release."
)


def release_version(
    *,
    version: PublishedVersion,
    user: User,
    note: str = "",
    gate_override_note: str | None = None,
) -> ReleaseEvent | None:
    """Point production at `version` and log it; None when it is already released.

    Releasing a lower number than the one released is recorded as a rollback.
    When the agent requires a passing eval run, a version without one is refused
    with ReleaseGateFailed listing what failed, unless `gate_override_note` says
    why it is released anyway; the findings and the note go on the ReleaseEvent.
    Rolling back to a version that served production before is never blocked (undoing
    a bad release must take seconds); the event records that it went past the gate.
    """
    note = clean_text(note, path="note", required=False, max_length=2_000)
    if gate_override_note is not None:
        gate_override_note = clean_text(
            gate_override_note, path="gate_override_note", required=True, max_length=2_000
        )
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=version.agent_id)
        check_active(agent)
        plan = release_plan(agent=agent, version=version)
        if plan.already_released:
            return None
        findings = plan.findings
        if plan.blocked and gate_override_note is None:
            raise ReleaseGateFailed(version_label=version.label, findings=findings)
        if findings and gate_override_note is None:  # plan.undo: recorded, not blocked
            gate_override_note = UNDO_PAST_THE_GATE
        previous = plan.current
        kind = ReleaseEvent.Kind(plan.kind)
        agent.released_version = version
        record(agent, user, f"{kind.label} {version.label}")
        agent.save(update_fields=["released_version"])
        runtime.refresh_on_commit(agent.public_id)
        return ReleaseEvent.objects.create(
            agent=agent,
            version=version,
            previous_version=previous,
            kind=kind,
            released_by=actor(user),
            note=note,
            gate_findings=findings,
            gate_override_note=gate_override_note if findings else "",
        )
