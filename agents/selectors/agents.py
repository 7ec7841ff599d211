"""Reading agents: lists with their status computed in SQL, one agent for a page."""

from __future__ import annotations

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from agents.domain.exceptions import UnknownReference
from agents.models import STATUS_LABELS, Agent, PublishedVersion


def latest_number() -> Subquery:
    """The agent's newest version number: one lookup on the (agent, number) index per
    agent, where `Max()` would join and group every version."""
    newest = PublishedVersion.objects.filter(agent=OuterRef("pk")).order_by("-number")
    return Subquery(newest.values("number")[:1])


def with_status(queryset: QuerySet[Agent]) -> QuerySet[Agent]:
    """Annotate `status_code` in SQL, the same rule as `Agent.status`."""
    return queryset.annotate(
        status_code=Case(
            When(released_version__isnull=True, then=Value("unpublished")),
            When(
                draft__content_hash=F("released_version__content_hash"),
                then=Value("published"),
            ),
            default=Value("unpublished_changes"),
            output_field=CharField(),
        )
    )


def filter_by_status(queryset: QuerySet[Agent], status: str) -> QuerySet[Agent]:
    if status not in STATUS_LABELS:
        return queryset.none()
    return with_status(queryset).filter(status_code=status)


def agent_list(*, search: str = "", status: str = "", include_archived: bool = False):
    """Agents with everything a list row shows, in one query."""
    queryset = Agent.objects.select_related(
        "draft", "draft__updated_by", "released_version"
    ).annotate(latest_number=latest_number())
    if not include_archived:
        queryset = queryset.filter(archived_at__isnull=True)
    if search := search.strip():
        queryset = queryset.filter(Q(name__icontains=search) | Q(public_id__iexact=search))
    if status:
        queryset = filter_by_status(queryset, status)
    return queryset.order_by("name", "id")


def agent_for_page(public_id: str) -> Agent:
    """The agent with its draft, released version and draft editor, in one query.

    Also carries `latest_number` (what API responses show). Raises UnknownReference."""
    agent = (
        Agent.objects.select_related(
            "draft", "draft__updated_by", "draft__restored_from", "released_version"
        )
        .annotate(latest_number=latest_number())
        .filter(public_id=public_id)
        .first()
    )
    if agent is None:
        raise UnknownReference(f"No agent {public_id}.")
    return agent


def active_agents() -> QuerySet[Agent]:
    """Agents a channel may be routed to, by name."""
    return Agent.objects.filter(archived_at__isnull=True).order_by("name")
