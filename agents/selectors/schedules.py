"""Scheduled releases: reads for pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.models import Agent, ScheduledRelease
from agents.selectors.base import one, where


def scheduled_releases(agent: Agent, *, pending_only: bool = False) -> QuerySet[ScheduledRelease]:
    rows = (
        ScheduledRelease.objects.filter(agent_id=agent.pk)
        .select_related("version", "created_by", "request")
        .defer("version__config")
    )
    rows = where(rows, status=ScheduledRelease.Status.PENDING if pending_only else None)
    return rows.order_by("at", "id")


def scheduled_release(public_id: str) -> ScheduledRelease:
    return one(
        (
            ScheduledRelease.objects.select_related(
                "agent", "version", "created_by", "request"
            ).filter(public_id=public_id)
        ),
        f"No scheduled release {public_id}.",
    )
