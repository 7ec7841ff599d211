"""Moving a pointer — `released`, or a label such as `staging` — to a version.

One rule for every caller (console, API, admin, commands, scheduled jobs):

- a lower number than the one held is recorded as a rollback;
- `released` is gated by the eval gate when the agent requires it (a Releaser may
  override with a note); rolling back to a version that served before is not;
- a protected pointer (`released` always; a label made protected) is moved by
  Releasers only, and when the agent requires approvals only through an
  approved release request — with two recorded exceptions: going back to what
  the pointer held just before its last move (undoing a bad release takes
  seconds), and a superuser's break glass with a written reason. Both skip the
  eval gate too.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agents.domain.exceptions import ApprovalRequired, InvalidState, ReleaseGateFailed
from agents.domain.text import clean_text
from agents.models import (
    RELEASED,
    Agent,
    Change,
    Label,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
)
from agents.selectors import runtime
from agents.selectors.releases import ReleasePlan, release_plan
from agents.services import changes, gate
from agents.services.audit import audited
from agents.services.base import User, actor, check_active, record
from agents.services.gate import can_release
from agents.services.prompt_links import check_followers, check_links

UNDO_PAST_THE_GATE = (
    "Rollback to a version that served production before: the gate does not block undoing "
    "a release."
)


class Justification(TypedDict, total=False):
    """What a pointer's move records besides who and when, all optional: a note, why the
    eval gate is overridden, a superuser's break glass, the approved request carried out."""

    note: str
    gate_override_note: str | None
    break_glass: str | None
    request: ReleaseRequest | None


@audited("release", subject_arg="version")
def release_version(
    *, version: PublishedVersion, user: User, **why: Unpack[Justification]
) -> ReleaseEvent | None:
    """Point production at `version` and log it; None when it is already released.

    Refused with ReleaseGateFailed (the eval gate) or ApprovalRequired (the agent's
    approval rule); see the module's rules."""
    return move_pointer(version=version, label=RELEASED, user=user, **why)


def move_pointer(
    *,
    version: PublishedVersion,
    label: str,
    user: User,
    note: str = "",
    gate_override_note: str | None = None,
    break_glass: str | None = None,
    request: ReleaseRequest | None = None,
    protect: bool | None = None,
    rollout: str = "",
) -> ReleaseEvent | None:
    """Move `label` (`released` or a label's name, checked by the caller) to `version`;
    None when it already points there. `protect` sets a label's protection as it is
    created or moved (Releasers only). `rollout` names the rollout completing this
    move: its candidate passed the gate when it started, and its guard since."""
    note = clean_text(note, path="note", required=False, max_length=2_000)
    if gate_override_note is not None:
        gate_override_note = clean_text(
            gate_override_note, path="gate_override_note", required=True, max_length=2_000
        )
    if break_glass is not None:
        break_glass = clean_text(break_glass, path="break_glass", required=True, max_length=2_000)
    with transaction.atomic():
        agent = Agent.objects.select_for_update(no_key=True).get(pk=version.agent_id)
        check_active(agent)
        plan = release_plan(agent=agent, version=version, label=label)
        if (plan.protected or protect) and not (rollout or can_release(user, agent)):
            raise PermissionDenied(f"Only Releasers move the protected label {label!r}.")
        if request is not None:
            _check_request(request, plan)
        gate.check_protection(plan, agent, user, protect, break_glass)
        if plan.already_released and (protect is None or not plan.exists):
            return None
        if request is not None:
            bypass = "request"
        elif rollout:
            bypass = "rollout"
        else:
            bypass = gate.move_bypass(plan, agent, user, break_glass)
        findings = plan.findings
        skip_gate = bool(rollout) or bypass in ("undo", "break_glass")
        if plan.blocked and gate_override_note is None and not skip_gate:
            raise ReleaseGateFailed(version_label=version.label, findings=findings)
        if findings and gate_override_note is None:  # recorded: why it went anyway
            gate_override_note = (
                f"Rollout {rollout} passed its guard."
                if rollout
                else f"Break glass: {break_glass}"
                if bypass == "break_glass"
                else UNDO_PAST_THE_GATE
            )
        if plan.already_released:  # only the protection changes
            _set_label(agent, label, version, user, protect)
            return None
        if agent.kind == Agent.Kind.PROMPT and label == RELEASED:
            check_followers(agent, version)
        else:  # what the version links must still render (a prompt may have moved on)
            check_links(version.config, agent.workspace_id)
        _point(agent, plan, user, protect)
        event = ReleaseEvent.objects.create(
            agent=agent,
            version=version,
            previous_version=plan.current,
            kind=ReleaseEvent.Kind(plan.kind),
            released_by=actor(user),
            note=note,
            gate_findings=findings,
            gate_override_note=gate_override_note if findings else "",
            label=label,
            request=request,
            break_glass_note=break_glass if bypass == "break_glass" else "",
            approval_bypass=bypass if bypass in ("undo", "break_glass", "rollout") else "",
        )
        _record_change(agent, label, version, event.kind)
        if request is not None:
            request.status = ReleaseRequest.Status.RELEASED
            request.decided_at = timezone.now()
            record(request, user, f"Released {version.label}")
            request.save(update_fields=["status", "decided_at"])
        return event


def _record_change(agent: Agent, label: str, version: PublishedVersion, kind: str) -> None:
    """What runtimes are told: a release or rollback of an agent, a prompt's release (to
    the agents following it too), or a label's move."""
    if agent.kind == Agent.Kind.PROMPT and label == RELEASED:
        changes.record_prompt_release(agent, version.number)
    elif agent.kind == Agent.Kind.PROMPT:
        changes.record(Change.Kind.LABEL_MOVED, prompt=agent, ref=label, version=version.number)
    else:
        moved = kind if label == RELEASED else Change.Kind.LABEL_MOVED
        changes.record(moved, agent=agent, ref=label, version=version.number)


def _check_request(request: ReleaseRequest, plan: ReleasePlan) -> None:
    locked = ReleaseRequest.objects.select_for_update().get(pk=request.pk)
    request.status = locked.status
    approvals = locked.reviews.filter(verdict="approve").count()
    if locked.status == ReleaseRequest.Status.OPEN:
        need = max(plan.approvals_required, 1)
        raise ApprovalRequired(
            f"{locked.public_id} has {approvals} of {need} approvals.",
            details={"approvals_required": need, "approvals": approvals},
        )
    if locked.status != ReleaseRequest.Status.APPROVED:
        raise InvalidState(f"{locked.public_id} is {locked.status}, not approved.")
    if locked.version_id != plan.version.pk or locked.label != plan.label:
        raise InvalidState(f"{locked.public_id} asks for another version or label.")
    current = plan.current.pk if plan.current else None
    if locked.base_version_id != current:
        raise InvalidState(
            f"{locked.public_id} is stale: what it would replace is no longer live. "
            "Request again against what is live now."
        )
    if approvals < plan.approvals_required:
        raise ApprovalRequired(
            f"{locked.public_id} has {approvals} of {plan.approvals_required} approvals.",
            details={"approvals_required": plan.approvals_required, "approvals": approvals},
        )


def _point(agent: Agent, plan: ReleasePlan, user: User, protect: bool | None) -> None:
    version = plan.version
    if plan.label == RELEASED:
        agent.released_version = version
        record(agent, user, f"{ReleaseEvent.Kind(plan.kind).label} {version.label}")
        agent.save(update_fields=["released_version"])
        runtime.refresh_on_commit(agent.public_id)
    else:
        _set_label(agent, plan.label, version, user, protect)


def _set_label(agent: Agent, name: str, version: PublishedVersion, user: User, protect) -> None:
    row = Label.objects.filter(agent_id=agent.pk, name=name).first() or Label(
        agent=agent, name=name
    )
    row.version = version
    row.moved_by = actor(user)
    row.moved_at = timezone.now()
    if protect is not None:
        row.protected = protect
    record(row, user, f"Moved to {version.label}")
    row.save()
