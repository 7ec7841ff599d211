"""Release requests and their reviews: reads for pages and the API."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from agents.models import Agent, ReleaseRequest, ReleaseReview
from agents.selectors.base import one, where
from agents.selectors.labels import label_target


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
    rows = where(rows, status=status)
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
    return one(release_requests().filter(public_id=public_id), f"No release request {public_id}.")
