"""Which changes are webhook events, and what each event says.

One mechanism for all of them: when a row that records a change is created (a
version, a release-log entry, a draft revision, a rollout step, an alert), its
event is emitted in the same transaction. Whatever service made the change —
console, API, admin, command or job — the event follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_save

from agents.domain.fields import attributes, number
from agents.domain.moments import iso_z
from agents.models import (
    RELEASED,
    Agent,
    Alert,
    ChangeRequest,
    DraftRevision,
    PublishedVersion,
    ReleaseEvent,
    Review,
    RolloutEvent,
)
from agents.services.webhook_delivery import emit


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _agent(agent: Agent) -> dict[str, Any]:
    return {"id": agent.public_id, "name": agent.name, "kind": agent.kind}


def _version_saved(version: PublishedVersion) -> dict[str, Any]:
    return {
        "version": {
            **attributes(version, "number", "name", "description", "content_hash"),
            "created_at": iso_z(version.created_at),
            "created_by": _name(version.created_by),
        }
    }


def _release(event: ReleaseEvent) -> dict[str, Any]:
    return {
        "version": event.version.number,
        "previous_version": number(event.previous_version),
        **attributes(event, "label", "kind", "note"),
        "released_at": iso_z(event.released_at),
        "released_by": _name(event.released_by),
    }


def _draft_updated(revision: DraftRevision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "branch": revision.branch or None,
        **attributes(revision, "reason", "changed", "content_hash"),
        "updated_by": _name(revision.created_by),
    }


def _rollout(step: RolloutEvent) -> dict[str, Any]:
    rollout = step.rollout
    return {
        "rollout": {
            "id": rollout.public_id,
            "channel": rollout.channel.public_id,
            "candidate": rollout.candidate.number,
            "status": rollout.status,
        },
        **attributes(step, "kind", "weight", "detail"),
        "by": _name(step.by),
    }


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "alert": {
            "id": alert.public_id,
            "kind": alert.kind,
            "version": alert.version.number,
            "baseline_version": number(alert.baseline_version),
            "rollout": alert.rollout.public_id if alert.rollout_id else None,
            **attributes(alert, "metric", "detail"),
        }
    }


def _change_request(cr: ChangeRequest) -> dict[str, Any]:
    return {
        "change_request": {
            "id": cr.public_id,
            "branch": cr.branch.name,
            **attributes(cr, "title", "status", "merged_revision"),
            "author": _name(cr.author),
        }
    }


def _reviewed(review: Review) -> dict[str, Any]:
    return {
        **_change_request(review.change_request),
        "review": {
            **attributes(review, "verdict", "body", "head_revision"),
            "reviewer": _name(review.reviewer),
        },
    }


def announce_merged(cr: ChangeRequest) -> None:
    """`change_request.merged`, in the merge's transaction."""
    emit(
        "change_request.merged",
        lambda: {
            "agent": _agent(cr.agent),
            **_change_request(cr),
            "merged_by": _name(cr.merged_by),
        },
        subject=cr.agent.public_id,
        workspace_id=cr.agent.workspace_id,
    )


def _release_event(event: ReleaseEvent) -> str:
    return "label.moved" if event.label != RELEASED else event.kind  # release | rollback


# The row that records a change → (its event, or how to tell which; what the event says
# besides the agent).
ANNOUNCED: dict[type, tuple[Any, Callable[[Any], dict[str, Any]]]] = {
    PublishedVersion: ("version.saved", _version_saved),
    ReleaseEvent: (_release_event, _release),
    DraftRevision: ("draft.updated", _draft_updated),
    RolloutEvent: ("rollout", _rollout),
    Alert: ("alert", _alert),
    ChangeRequest: ("change_request.opened", _change_request),
    Review: ("change_request.reviewed", _reviewed),
}


def _announce(sender: type, instance: Any) -> None:
    event, data = ANNOUNCED[sender]
    agent = (
        instance.rollout.agent
        if sender is RolloutEvent
        else instance.change_request.agent
        if sender is Review
        else instance.agent
    )
    emit(
        event if isinstance(event, str) else event(instance),
        lambda: {"agent": _agent(agent), **data(instance)},
        subject=agent.public_id,
        workspace_id=agent.workspace_id,
    )


def _created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _announce(sender, instance)


def connect() -> None:
    for model in ANNOUNCED:
        post_save.connect(_created, sender=model, dispatch_uid=f"webhooks-{model.__name__}")
