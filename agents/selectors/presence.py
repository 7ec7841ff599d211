"""Who is on an agent's draft or its branches now, and who saved since a page loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from agents.models import Agent, Branch, Draft, Presence

WINDOW = timedelta(seconds=60)  # gone this long after the last heartbeat


def present(agent: Agent, *, where: str = "", now: datetime | None = None) -> QuerySet[Presence]:
    """Heartbeats of the last minute on the agent (on `where` only, when given)."""
    rows = Presence.objects.filter(agent_id=agent.pk, seen_at__gte=(now or timezone.now()) - WINDOW)
    if where:
        rows = rows.filter(where=where)
    return rows.select_related("user").order_by("where", "user__username")


@dataclass(frozen=True)
class SavedSince:
    by: str
    revision: int
    at: datetime


def saved_since(target: Draft | Branch, loaded: int | None, user) -> SavedSince | None:
    """Someone else saved `target` after the revision the page loaded: who, which, when."""
    if loaded is None or target.revision <= loaded or target.updated_by_id == user.pk:
        return None
    by = target.updated_by.get_username() if target.updated_by else "someone"
    return SavedSince(by, target.revision, target.updated_at)
