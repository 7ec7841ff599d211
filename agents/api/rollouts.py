"""Gradual rollouts on channels, and the alerts they (and releases) raise."""

from __future__ import annotations

from ninja import Status

from agents.api.common import Router, require
from agents.api.idempotency import idempotent
from agents.api.rollout_schemas import (
    AlertList,
    AlertOut,
    GuardIO,
    RolloutIn,
    RolloutList,
    RolloutOut,
)
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut
from agents.api.shapes import username
from agents.domain.exceptions import InvalidInput
from agents.domain.routing import LabelTargetIO, target_label
from agents.models import Alert
from agents.permissions import RELEASE, VIEW_AGENT
from agents.selectors import alerts as alerts_selectors
from agents.selectors import channels, labels, versions
from agents.selectors import rollouts as rollouts_selectors
from agents.services import alerts
from agents.services import rollouts as rollouts_services

channel_rollouts = Router(tags=["rollouts"])
rollouts_router = Router(tags=["rollouts"])
alerts_router = Router(tags=["rollouts"])
WRITE = {403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE}


def rollout_out(rollout, evidence=None) -> dict:
    """The API's Rollout; `evidence` when computed for a whole list at once."""
    evidence = evidence or rollouts_selectors.step_evidence(rollout)
    baseline, candidate = evidence.arms
    arms = {
        "baseline": (rollout.baseline, baseline),
        "candidate": (rollout.candidate.label, candidate),
    }
    return {
        "id": rollout.public_id,
        "channel": rollout.channel.public_id,
        "baseline": rollout.baseline,
        "candidate": rollout.candidate.number,
        "steps": rollout.steps,
        "step": rollout.step,
        "weight": rollout.weight,
        "status": rollout.status,
        "min_conversations": rollout.min_conversations,
        "min_minutes": rollout.min_minutes,
        "guard": {"metric": rollout.metric, "max_drop": rollout.max_drop},
        "guards": [guard.as_dict() for guard in rollout.guard_list],
        "verdicts": [
            {
                "metric": v.metric,
                "worse": v.worse,
                "judged": v.judged,
                "worsening": v.worsening,
                "p": v.p,
                "reason": v.reason,
            }
            for v in evidence.verdicts
        ],
        "step_started_at": rollout.step_started_at,
        "created_by": username(rollout.created_by),
        "created_at": rollout.created_at,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "weight": e.weight,
                "by": username(e.by),
                "detail": e.detail,
            }
            for e in rollout.events.all()
        ],
        "metrics": {
            side: {
                "target": target if isinstance(target, str) else target_label(target),
                "conversations": arm.total,
                "hits": arm.hits,
                "rate": arm.rate,
            }
            for side, (target, arm) in arms.items()
        },
    }


@channel_rollouts.post("/{channel_id}/rollouts", response={201: RolloutOut, **WRITE})
@idempotent
def start(request, channel_id: str, payload: RolloutIn):
    """Start ramping a candidate version up on a channel

    The baseline is what the channel serves now; one rollout in flight per channel
    (409 `rollout_running`). A candidate `{"label": "staging"}` is the version the
    label points at when the rollout starts."""
    principal = require(request, RELEASE)
    channel = channels.channel(channel_id)
    if isinstance(payload.candidate, LabelTargetIO):
        candidate = labels.label_version(channel.agent, payload.candidate.label)
    else:
        candidate = versions.get_version(channel.agent, payload.candidate.version)
    rollout = rollouts_services.start_rollout(
        channel=channel,
        candidate=candidate,
        user=principal.user,
        **payload.model_dump(include={"steps", "min_conversations", "min_minutes"}),
        **_guards(payload),
    )
    return Status(201, rollout_out(rollouts_selectors.rollout(rollout.public_id)))


def _guards(payload: RolloutIn) -> dict:
    """`guards`, or `guard` as the one guard (the default when neither is given)."""
    if payload.guard is not None and payload.guards is not None:
        raise InvalidInput([{"path": "guards", "message": "give guard or guards, not both"}])
    if payload.guards is not None:
        return {"guards": [g.model_dump(exclude_none=True) for g in payload.guards]}
    return (payload.guard or GuardIO()).model_dump()


@channel_rollouts.get("/{channel_id}/rollouts", response={200: RolloutList, **ERRORS_READ})
def list_for_channel(request, channel_id: str):
    """A channel's rollouts"""
    require(request, VIEW_AGENT)
    channel = channels.channel(channel_id)
    rollouts = list(rollouts_selectors.channel_rollouts(channel)[:50])
    evidence = rollouts_selectors.evidence_of(rollouts)
    return {"data": [rollout_out(r, evidence[r.pk]) for r in rollouts]}


@rollouts_router.get("/{rollout_id}", response={200: RolloutOut, **ERRORS_READ})
def get(request, rollout_id: str):
    """A rollout"""
    require(request, VIEW_AGENT)
    return rollout_out(rollouts_selectors.rollout(rollout_id))


def _act(request, rollout_id: str, verb) -> dict:
    principal = require(request, RELEASE)
    verb(rollout=rollouts_selectors.rollout(rollout_id), user=principal.user)
    return rollout_out(rollouts_selectors.rollout(rollout_id))


@rollouts_router.post("/{rollout_id}/pause", response={200: RolloutOut, **WRITE})
def pause(request, rollout_id: str):
    """Pause

    The rule stops looking until it is resumed; the weights stay."""
    return _act(request, rollout_id, rollouts_services.pause_rollout)


@rollouts_router.post("/{rollout_id}/resume", response={200: RolloutOut, **WRITE})
def resume(request, rollout_id: str):
    """Resume

    The step starts again: its clock and counts begin now."""
    return _act(request, rollout_id, rollouts_services.resume_rollout)


@rollouts_router.post("/{rollout_id}/advance", response={200: RolloutOut, **WRITE})
def advance(request, rollout_id: str):
    """Next step now"""
    return _act(request, rollout_id, rollouts_services.advance_rollout)


@rollouts_router.post("/{rollout_id}/abort", response={200: RolloutOut, **WRITE})
def abort(request, rollout_id: str):
    """Stop; baseline only"""
    return _act(request, rollout_id, rollouts_services.abort_rollout)


def alert_out(alert: Alert) -> dict:
    return {
        "id": alert.public_id,
        "agent": alert.agent.public_id,
        "kind": alert.kind,
        "version": alert.version.number,
        "baseline_version": alert.baseline_version.number if alert.baseline_version_id else None,
        "metric": alert.metric,
        "detail": alert.detail,
        "rollout": alert.rollout.public_id if alert.rollout_id else None,
        "created_at": alert.created_at,
        "acked_by": username(alert.acked_by),
        "acked_at": alert.acked_at,
    }


@alerts_router.get("", response={200: AlertList, **ERRORS_READ})
def list_alerts(request, agent: str | None = None, open: bool | None = None):
    """Alerts, newest first"""
    require(request, VIEW_AGENT)
    rows = alerts_selectors.alerts(agent=agent, open_only=bool(open))
    return {"data": [alert_out(a) for a in rows[:200]]}


@alerts_router.post("/{alert_id}/ack", response={200: AlertOut, **WRITE})
def ack(request, alert_id: str):
    """Acknowledge an alert (Releaser)"""
    principal = require(request, RELEASE)
    alert = alerts.ack_alert(alert=alerts_selectors.alert(alert_id), user=principal.user)
    return alert_out(alerts_selectors.alert(alert.public_id))
