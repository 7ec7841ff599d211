"""The one gate between a change and what callers are served.

Every change of a production pointer (see selectors/gate) passes here, whichever
service makes it: moving or creating `released` or a label, protecting or
unprotecting one, deleting one, routing a channel, starting a rollout, and
completing one. When the agent requires approvals:

- moving a production pointer needs an approved release request, except going
  back to what it held just before its last move (`undo`) and a superuser's
  break glass with a reason (`break_glass`), both recorded on the event;
- a channel or a rollout may only serve versions cleared for production
  (released before, held by a protected label, or approved in a request),
  `released`, or a label whose moves are gated from then on — never `draft`;
- a label that protects or carries production cannot be deleted or unprotected
  without break glass; a label a channel follows cannot be deleted at all (the
  channel's calls would fail): reroute the channel first.

The eval gate (`require_passing_eval`) applies the same way: a channel or a
rollout serving a version that never served production needs a passing run.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from agents.domain import routing as routing_domain
from agents.domain.exceptions import ApprovalRequired, LabelProtected, ReleaseGateFailed
from agents.domain.permissions import RELEASE
from agents.models import RELEASED, Agent, Label, PublishedVersion
from agents.selectors import gate
from agents.selectors.evals import gate_findings
from agents.selectors.labels import label_target
from agents.selectors.releases import ReleasePlan
from agents.services.base import User


def can_release(user: User, obj) -> bool:
    """Whether `user` is a Releaser in the workspace of `obj` (an agent, or anything
    of one)."""
    return user is not None and user.has_perm(RELEASE, obj)


def _needs(agent: Agent, need: int, what: str) -> ApprovalRequired:
    return ApprovalRequired(
        f"“{agent.name}” needs {need} approval{'s' if need > 1 else ''} before {what}: "
        "request it, and a Releaser other than you approves.",
        details={"approvals_required": need},
    )


def break_glass_ok(user: User, break_glass: str | None) -> bool:
    """True when a superuser breaks glass (with a reason); PermissionDenied for others."""
    if break_glass is None:
        return False
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied("Only a superuser may break glass.")
    return True


def move_bypass(plan: ReleasePlan, agent: Agent, user: User, break_glass: str | None) -> str:
    """How a pointer move without a request meets the approval rule: "" (not needed),
    "undo" or "break_glass"; ApprovalRequired when it does not."""
    if not plan.protected or plan.approvals_required == 0:
        return ""
    if plan.undo_last:
        return "undo"
    if break_glass_ok(user, break_glass):
        return "break_glass"
    what = "a release" if plan.label == RELEASED else f"moving {plan.label}"
    if plan.followers:
        what += f" (followed by {', '.join(plan.followers)})"
    raise _needs(agent, plan.approvals_required, what)


def check_protection(
    plan: ReleasePlan, agent: Agent, user: User, protect: bool | None, break_glass: str | None
) -> None:
    """Protecting a label makes it a production pointer: with approvals required, only
    at a version cleared for production. Unprotecting one removes its gate: only by
    break glass."""
    if protect is None or plan.label == RELEASED or agent.approvals_required == 0:
        return
    if not can_release(user, agent):
        raise PermissionDenied(f"Only Releasers change the protection of {plan.label!r}.")
    if break_glass_ok(user, break_glass):
        return
    row = Label.objects.filter(agent_id=agent.pk, name=plan.label).first()
    was = bool(row and row.protected)
    if was and not protect:
        raise _needs(agent, agent.approvals_required, f"unprotecting {plan.label}")
    if protect and not was and plan.version.pk not in gate.cleared_versions(agent):
        raise _needs(
            agent,
            agent.approvals_required,
            f"protecting {plan.label} at {plan.version.label}, which was never approved",
        )


def check_label_removal(agent: Agent, row: Label, user: User, break_glass: str | None) -> str:
    """Whether label `row` may be deleted: never while a channel follows it; a protected
    one by Releasers, and with approvals required only by break glass (returned as
    "break_glass")."""
    followers = gate.label_followers(agent, row.name)
    if followers:
        raise LabelProtected(
            f"{', '.join(followers)} follow{'s' if len(followers) == 1 else ''} the label "
            f"{row.name}: route {'it' if len(followers) == 1 else 'them'} elsewhere first."
        )
    if not row.protected:
        return ""
    if not can_release(user, agent):
        raise PermissionDenied(f"Only Releasers remove the protected label {row.name!r}.")
    if agent.approvals_required == 0:
        return ""
    if break_glass_ok(user, break_glass):
        return "break_glass"
    raise _needs(agent, agent.approvals_required, f"deleting the protected label {row.name}")


def _served(agent: Agent, target: Any) -> PublishedVersion | None:
    if isinstance(target, dict) and "version" in target:
        return PublishedVersion.objects.filter(agent_id=agent.pk, number=target["version"]).first()
    if isinstance(target, dict) and "label" in target:
        return label_target(agent, target["label"])
    return None


def check_version(
    agent: Agent, version: PublishedVersion | None, where: str, cleared: set[int] | None = None
) -> None:
    """`version` may newly serve callers through a channel or a rollout (see the module).
    `cleared`: the agent's cleared versions when the caller read them already."""
    if version is None:  # the draft
        if agent.approvals_required:
            raise _needs(agent, agent.approvals_required, f"{where} serves the draft")
        if agent.require_passing_eval:
            raise ReleaseGateFailed(
                version_label="draft",
                findings=["the draft has no eval run: save a version and run the evals"],
            )
        return
    if agent.approvals_required and version.pk not in (
        gate.cleared_versions(agent) if cleared is None else cleared
    ):
        raise _needs(agent, agent.approvals_required, f"{where} serves {version.label}")
    if agent.require_passing_eval and not gate.served_before(agent, version):
        findings = gate_findings(agent=agent, version=version)
        if findings:
            raise ReleaseGateFailed(version_label=version.label, findings=findings)


def check_routing(
    agent: Agent, routing: dict[str, Any], before: dict[str, Any] | None, where: str
) -> None:
    """Each target a channel's new routing adds (not served by `before`, on the same
    agent) passes the gate; `released` always does (its moves are gated)."""
    kept = routing_domain.targets_of(before) if before else []
    added = [t for t in routing_domain.targets_of(routing) if t != RELEASED and t not in kept]
    if "draft" in added:
        check_version(agent, None, where)
    served = [v for t in added if t != "draft" and (v := _served(agent, t)) is not None]
    if served:  # read once for every arm
        cleared = gate.cleared_versions(agent) if agent.approvals_required else set()
        for version in served:
            check_version(agent, version, where, cleared)
