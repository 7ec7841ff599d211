"""Reading versions: one by number, lists newest first, the latest."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.models import Agent, PublishedVersion, ReleaseEvent
from agents.selectors.base import one


def get_version(agent: Agent, number: int) -> PublishedVersion:
    """`agent`'s version `number` with its author and parent; UnknownReference otherwise."""
    return one(
        (
            PublishedVersion.objects.select_related("created_by", "parent").filter(
                agent_id=agent.pk, number=number
            )
        ),
        f"“{agent.name}” has no version v{number}.",
    )


def version_list(agent: Agent) -> QuerySet[PublishedVersion]:
    """Newest first, without their configurations (lists never load them)."""
    return (
        PublishedVersion.objects.filter(agent_id=agent.pk)
        .select_related("created_by")
        .defer("config")
        .order_by("-number")
    )


def latest_version(agent: Agent) -> PublishedVersion | None:
    return PublishedVersion.objects.filter(agent_id=agent.pk).order_by("-number").first()


def recent_numbers(agent: Agent, limit: int = 50) -> list[int]:
    """The newest version numbers, for pickers."""
    return list(
        PublishedVersion.objects.filter(agent_id=agent.pk)
        .order_by("-number")
        .values_list("number", flat=True)[:limit]
    )


def release_event(pk: int) -> ReleaseEvent:
    """One release event with the versions and person it names."""
    return ReleaseEvent.objects.select_related(
        "version", "previous_version", "released_by", "request"
    ).get(pk=pk)
