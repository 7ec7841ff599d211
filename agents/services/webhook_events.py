"""Which changes are webhook events, and what each event says.

One mechanism for all of them: when a row that records a change is created (a
version, a release-log entry, a draft revision, a rollout step, an alert), its
event is emitted in the same transaction. Whatever service made the change —
console, API, admin, command or job — the event follows.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from agents.domain.moments import iso_z
from agents.models import (
    RELEASED,
    Agent,
    Alert,
    DraftRevision,
    PublishedVersion,
    ReleaseEvent,
    RolloutEvent,
)
from agents.services.webhook_delivery import emit


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _agent(agent: Agent) -> dict[str, Any]:
    return {"id": agent.public_id, "name": agent.name, "kind": agent.kind}


def _version_saved(version: PublishedVersion) -> None:
    emit(
        "version.saved",
        lambda: {
            "agent": _agent(version.agent),
            "version": {
                "number": version.number,
                "name": version.name,
                "description": version.description,
                "content_hash": version.content_hash,
                "created_at": iso_z(version.created_at),
                "created_by": _name(version.created_by),
            },
        },
        subject=version.agent.public_id,
    )


def _release(event: ReleaseEvent) -> None:
    name = "label.moved" if event.label != RELEASED else event.kind  # release | rollback
    emit(
        name,
        lambda: {
            "agent": _agent(event.agent),
            "label": event.label,
            "version": event.version.number,
            "previous_version": event.previous_version.number
            if event.previous_version_id
            else None,
            "kind": event.kind,
            "note": event.note,
            "released_at": iso_z(event.released_at),
            "released_by": _name(event.released_by),
        },
        subject=event.agent.public_id,
    )


def _draft_updated(revision: DraftRevision) -> None:
    emit(
        "draft.updated",
        lambda: {
            "agent": _agent(revision.agent),
            "revision": revision.number,
            "reason": revision.reason,
            "changed": revision.changed,
            "content_hash": revision.content_hash,
            "updated_by": _name(revision.created_by),
        },
        subject=revision.agent.public_id,
    )


def _rollout(step: RolloutEvent) -> None:
    rollout = step.rollout
    emit(
        "rollout",
        lambda: {
            "agent": _agent(rollout.agent),
            "rollout": {
                "id": rollout.public_id,
                "channel": rollout.channel.public_id,
                "candidate": rollout.candidate.number,
                "status": rollout.status,
            },
            "kind": step.kind,
            "weight": step.weight,
            "detail": step.detail,
            "by": _name(step.by),
        },
        subject=rollout.agent.public_id,
    )


def _alert(alert: Alert) -> None:
    emit(
        "alert",
        lambda: {
            "agent": _agent(alert.agent),
            "alert": {
                "id": alert.public_id,
                "kind": alert.kind,
                "version": alert.version.number,
                "baseline_version": alert.baseline_version.number
                if alert.baseline_version_id
                else None,
                "rollout": alert.rollout.public_id if alert.rollout_id else None,
                "metric": alert.metric,
                "detail": alert.detail,
            },
        },
        subject=alert.agent.public_id,
    )


ANNOUNCED = {
    PublishedVersion: _version_saved,
    ReleaseEvent: _release,
    DraftRevision: _draft_updated,
    RolloutEvent: _rollout,
    Alert: _alert,
}


def _created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ANNOUNCED[sender](instance)


def connect() -> None:
    for model in ANNOUNCED:
        post_save.connect(_created, sender=model, dispatch_uid=f"webhooks-{model.__name__}")
