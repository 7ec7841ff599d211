"""Domain objects as API response bodies (plain dicts the schemas validate)."""

from __future__ import annotations

from typing import Any

from agents.domain.fields import attributes, number
from agents.models import Agent, Conversation, PublishedVersion, ReleaseEvent
from agents.selectors.conversations import prompts_of


def username(user) -> str | None:
    return user.get_username() if user else None


def agent_out(agent: Agent) -> dict[str, Any]:
    draft = agent.draft
    released = agent.released_version
    return {
        "id": agent.public_id,
        **attributes(agent, "name", "description", "status"),
        "released_version": number(released),
        "latest_version": getattr(agent, "latest_number", None),
        "draft": {
            "revision": draft.revision,
            "content_hash": draft.content_hash,
            "updated_at": draft.updated_at,
        },
        "created_at": agent.created_at,
        "archived": agent.archived_at is not None,
        "require_passing_eval": agent.require_passing_eval,
        "approvals_required": agent.approvals_required,
        "reviews_required": agent.reviews_required,
    }


def draft_out(draft) -> dict[str, Any]:
    return {
        "revision": draft.revision,
        "config": draft.config,
        "content_hash": draft.content_hash,
        "updated_at": draft.updated_at,
        "updated_by": username(draft.updated_by),
        "restored_from": draft.restored_from.number if draft.restored_from else None,
        "restored_from_revision": draft.restored_from_revision,
    }


def revision_out(row, *, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """A draft revision (`row` is a selectors.RevisionRow) and, for one, its config."""
    revision = row.revision
    data = {
        "revision": revision.number,
        "label": revision.label,
        "content_hash": revision.content_hash,
        "updated_by": username(revision.created_by),
        "updated_at": revision.created_at,
        "reason": revision.reason,
        "changed": revision.changed,
        "restored_from_version": (
            revision.restored_from_version.number if revision.restored_from_version else None
        ),
        "restored_from_revision": revision.restored_from_revision,
        "versions": [int(label[1:]) for label in row.versions],
        "branch": revision.branch or None,
    }
    if config is not None:
        data["config"] = config
    return data


def version_summary(version: PublishedVersion, released_id: int | None) -> dict[str, Any]:
    return {
        "number": version.number,
        "label": version.label,
        "name": version.name,
        "description": version.description,
        "created_by": username(version.created_by),
        "created_at": version.created_at,
        "content_hash": version.content_hash,
        "is_released": version.pk == released_id,
    }


def version_out(version: PublishedVersion, released_id: int | None) -> dict[str, Any]:
    return {
        **version_summary(version, released_id),
        "config": version.config,
        "parent": version.parent.number if version.parent_id else None,
        "schema_version": version.schema_version,
    }


def event_out(event: ReleaseEvent) -> dict[str, Any]:
    return {
        "version": event.version.number,
        "previous_version": number(event.previous_version),
        "released_by": username(event.released_by),
        "request": event.request.public_id if event.request_id else None,
        **attributes(event, "kind", "released_at", "note", "gate_findings", "gate_override_note"),
        **attributes(event, "label", "approval_bypass", "break_glass_note"),
    }


def conversation_out(conversation: Conversation, agent: str, resolved=None):
    """The conversation's binding; `resolved` (when just started) spares loading it again."""
    return {
        "id": conversation.public_id,
        "agent": agent,
        "channel": conversation.channel_ref or None,
        "version": resolved.version if resolved else conversation.bound_version,
        "variant": conversation.variant or None,
        "content_hash": conversation.content_hash,
        "config": resolved.config if resolved else conversation.config,
        "prompts": list(resolved.prompts) if resolved else prompts_of(conversation),
        "outcome": conversation.outcome or None,
        **attributes(conversation, "started_at", "ended_at", "duration_s", "sentiment"),
        **attributes(conversation, "automated", "analysis", "playground", "offline"),
        **attributes(conversation, "latency_ms", "satisfaction", "cost", "scores"),
    }


def channel_out(channel) -> dict[str, Any]:
    return {
        "id": channel.public_id,
        "agent": channel.agent.public_id,
        **attributes(channel, "name", "kind", "address", "target", "variants"),
    }


def label_out(view) -> dict[str, Any]:
    """A selectors.LabelView."""
    return {
        "version": number(view.version),
        "moved_by": username(view.moved_by),
        **attributes(view, "name", "protected", "moved_at"),
    }


def request_out(request, *, stale: bool) -> dict[str, Any]:
    reviews = list(request.reviews.all())  # prefetched with their users, in order

    def review(r) -> dict[str, Any]:
        return {"user": username(r.user), "at": r.at, "comment": r.comment}

    return {
        "id": request.public_id,
        "agent": request.agent.public_id,
        "version": request.version.number,
        "requested_by": username(request.requested_by),
        **attributes(request, "label", "status", "note", "created_at"),
        "approvals": [review(r) for r in reviews if r.verdict == "approve"],
        "rejections": [review(r) for r in reviews if r.verdict == "reject"],
        "approvals_required": request.agent.approvals_required,
        "stale": stale,
        "replaces": number(request.base_version),
    }


def schedule_out(schedule) -> dict[str, Any]:
    return {
        "id": schedule.public_id,
        "agent": schedule.agent.public_id,
        "version": schedule.version.number,
        "created_by": username(schedule.created_by),
        "request": schedule.request.public_id if schedule.request_id else None,
        **attributes(schedule, "label", "at", "status", "executed_at", "late_by_s", "failure"),
        "note": schedule.note,
    }
