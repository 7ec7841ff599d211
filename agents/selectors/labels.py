"""Labels, release requests and scheduled releases: reads for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from agents.domain.exceptions import UnknownReference
from agents.models import (
    RELEASED,
    Agent,
    Label,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
    ReleaseReview,
    ScheduledRelease,
)


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


def is_stale(request: ReleaseRequest) -> bool:
    """What the request would replace is no longer what its label points at."""
    current = label_target(request.agent, request.label)
    return (current.pk if current else None) != request.base_version_id


def release_requests(
    *, agent: Agent | None = None, status: str | None = None, reviewer=None
) -> QuerySet[ReleaseRequest]:
    """Requests newest first, with their approval counts; `reviewer`: the open ones
    this person may review (not their own, not reviewed by them yet)."""
    rows = ReleaseRequest.objects.select_related(
        "agent", "agent__released_version", "version", "base_version", "requested_by"
    ).defer("version__config", "base_version__config", "agent__released_version__config")
    if agent is not None:
        rows = rows.filter(agent_id=agent.pk)
    if status:
        rows = rows.filter(status=status)
    if reviewer is not None:
        rows = rows.filter(status=ReleaseRequest.Status.OPEN).exclude(
            Q(requested_by_id=reviewer.pk) | Q(reviews__user_id=reviewer.pk)
        )
    in_order = ReleaseReview.objects.select_related("user").order_by("at", "id")
    return (
        rows.annotate(
            approval_count=Count("reviews", filter=Q(reviews__verdict="approve"), distinct=True)
        )
        .prefetch_related(Prefetch("reviews", queryset=in_order))
        .order_by("-created_at", "-id")
    )


def release_request(public_id: str) -> ReleaseRequest:
    found = release_requests().filter(public_id=public_id).first()
    if found is None:
        raise UnknownReference(f"No release request {public_id}.")
    return found


def scheduled_releases(agent: Agent, *, pending_only: bool = False) -> QuerySet[ScheduledRelease]:
    rows = (
        ScheduledRelease.objects.filter(agent_id=agent.pk)
        .select_related("version", "created_by", "request")
        .defer("version__config")
    )
    if pending_only:
        rows = rows.filter(status=ScheduledRelease.Status.PENDING)
    return rows.order_by("at", "id")


def scheduled_release(public_id: str) -> ScheduledRelease:
    found = (
        ScheduledRelease.objects.select_related("agent", "version", "created_by", "request")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise UnknownReference(f"No scheduled release {public_id}.")
    return found


@dataclass(frozen=True)
class ReleaseOverview:
    """The agent page's Releases card: labels, requests in flight, pending schedules."""

    labels: list[LabelView]
    requests: list[ReleaseRequest]
    schedules: list[ScheduledRelease]


def release_overview(agent: Agent) -> ReleaseOverview:
    in_flight = release_requests(agent=agent).filter(status__in=["open", "approved"])
    return ReleaseOverview(
        labels=labels_of(agent),
        requests=list(in_flight[:10]),
        schedules=list(scheduled_releases(agent, pending_only=True)[:10]),
    )
