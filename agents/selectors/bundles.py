"""An agent's bundle: everything config as code needs, read in a fixed number of
queries (the agent, its versions, its labels, its release log)."""

from __future__ import annotations

from typing import Any

from agents.domain.bundles import FORMAT
from agents.domain.moments import iso_z
from agents.models import Agent, Label, PublishedVersion, ReleaseEvent


def export_bundle(agent: Agent) -> dict[str, Any]:
    """The agent as a bundle: metadata, the draft, every version with its content
    hash, the labels and the release log, oldest first."""
    versions = list(PublishedVersion.objects.filter(agent_id=agent.pk).order_by("number"))
    releases = (
        ReleaseEvent.objects.filter(agent_id=agent.pk)
        .select_related("version", "previous_version", "released_by")
        .order_by("released_at", "id")
    )
    labels = Label.objects.filter(agent_id=agent.pk).select_related("version").order_by("name")
    return {
        "format": FORMAT,
        "agent": {"id": agent.public_id, "name": agent.name, "description": agent.description},
        "draft": {"config": agent.draft.config},
        "versions": [
            {
                "number": version.number,
                "name": version.name,
                "description": version.description,
                "config": version.config,
                "content_hash": version.content_hash,
                "created_at": iso_z(version.created_at),
            }
            for version in versions
        ],
        "labels": {
            "released": agent.released_version.number if agent.released_version_id else None,
            **{label.name: label.version.number for label in labels},
        },
        "releases": [
            {
                "label": event.label,
                "version": event.version.number,
                "previous_version": (
                    event.previous_version.number if event.previous_version_id else None
                ),
                "kind": event.kind,
                "released_at": iso_z(event.released_at),
                "released_by": event.released_by.get_username() if event.released_by else None,
                "note": event.note,
            }
            for event in releases
        ],
    }
