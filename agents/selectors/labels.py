"""Labels: reads for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agents.domain.exceptions import UnknownReference
from agents.models import RELEASED, Agent, Label, PublishedVersion, ReleaseEvent


@dataclass(frozen=True)
class LabelView:
    name: str
    version: PublishedVersion | None  # None: `released` with nothing released yet
    protected: bool
    moved_by: object
    moved_at: datetime | None


def labels_of(agent: Agent) -> list[LabelView]:
    """`released` first (always there), then the agent's labels by name: two queries."""
    last = (
        ReleaseEvent.objects.filter(agent_id=agent.pk, label=RELEASED)
        .select_related("released_by")
        .only("released_at", "released_by__username")
        .order_by("-released_at", "-id")
        .first()
    )
    views = [
        LabelView(
            RELEASED,
            agent.released_version,
            True,
            last.released_by if last else None,
            last.released_at if last else None,
        )
    ]
    rows = (
        Label.objects.filter(agent_id=agent.pk)
        .select_related("version", "moved_by")
        .defer("version__config")
        .order_by("name")
    )
    views += [LabelView(r.name, r.version, r.protected, r.moved_by, r.moved_at) for r in rows]
    return views


def label_target(agent: Agent, name: str) -> PublishedVersion | None:
    """What `released` or a label points at now (None: nothing yet, or no such label)."""
    if name == RELEASED:
        return agent.released_version
    row = Label.objects.filter(agent_id=agent.pk, name=name).select_related("version").first()
    return row.version if row else None


def label_version(agent: Agent, name: str) -> PublishedVersion:
    """The version a label points at; UnknownReference when the agent has no such label."""
    found = Label.objects.filter(agent_id=agent.pk, name=name).select_related("version").first()
    if found is None:
        raise UnknownReference(f"“{agent.name}” has no label {name}.")
    return found.version


def labels_by_version(agent: Agent) -> dict[int, list[str]]:
    """Version id → the labels on it (`released` included), for chips on history rows."""
    found: dict[int, list[str]] = {}
    if agent.released_version_id:
        found[agent.released_version_id] = [RELEASED]
    for version_id, name in Label.objects.filter(agent_id=agent.pk).values_list(
        "version_id", "name"
    ):
        found.setdefault(version_id, []).append(name)
    return found
