"""Reading agents: lists with their status computed in SQL, one agent for a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from agents.domain.exceptions import UnknownReference
from agents.models import STATUS_LABELS, Agent, PublishedVersion


def newest_version(field: str = "number") -> Subquery:
    """The agent's newest version number (or another of its fields): one lookup on the
    (agent, number) index per agent, where `Max()` would join and group every version."""
    newest = PublishedVersion.objects.filter(agent=OuterRef("pk")).order_by("-number")
    return Subquery(newest.values(field)[:1])


@dataclass(frozen=True)
class DraftState:
    """Where the draft stands against the versions, in words an operator reads at once."""

    kind: str  # "new" (no version yet), "released", "saved" (= newest, not released), "changed"
    text: str
    compare_with_released: bool  # worth a one-click "Compare with released"


def draft_state(agent: Agent) -> DraftState:
    """For an agent from `agent_for_page` (which carries the newest version's number and
    hash): "Draft = v6 · released", "Draft = v6 · not released", "Draft has changes since
    v6" or "Draft · not saved as a version yet"."""
    draft_hash = agent.draft.content_hash
    released = agent.released_version
    number = getattr(agent, "latest_number", None)
    if released is not None and released.content_hash == draft_hash:
        return DraftState("released", f"Draft = {released.label} · released", False)
    if number is None:
        return DraftState("new", "Draft · not saved as a version yet", False)
    if getattr(agent, "latest_hash", None) == draft_hash:
        return DraftState("saved", f"Draft = v{number} · not released", released is not None)
    return DraftState("changed", f"Draft has changes since v{number}", released is not None)


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


def agent_list(
    *, search: str = "", status: str = "", include_archived: bool = False, kind: str = "agent"
):
    """Agents (or library prompts) with everything a list row shows, in one query."""
    queryset = (
        Agent.objects.filter(kind=kind)
        .select_related("draft", "draft__updated_by", "released_version")
        .annotate(latest_number=newest_version())
    )
    if not include_archived:
        queryset = queryset.filter(archived_at__isnull=True)
    if search := search.strip():
        queryset = queryset.filter(Q(name__icontains=search) | Q(public_id__iexact=search))
    if status:
        queryset = filter_by_status(queryset, status)
    return queryset.order_by("name", "id")


def agent_for_page(public_id: str, *, kind: str = "agent") -> Agent:
    """The agent (or prompt) with its draft, released version and draft editor, in one
    query. Also carries `latest_number` (what API responses show). Raises
    UnknownReference, also for a prompt's id where an agent is asked for."""
    agent = (
        Agent.objects.filter(kind=kind)
        .select_related("draft", "draft__updated_by", "draft__restored_from", "released_version")
        .annotate(latest_number=newest_version(), latest_hash=newest_version("content_hash"))
        .filter(public_id=public_id)
        .first()
    )
    if agent is None:
        raise UnknownReference(f"No {kind} {public_id}.")
    return agent


def versioned_for_page(public_id: str) -> Agent:
    """agent_for_page for an agent (`ag_…`) or a library prompt (`pr_…`): the console's
    versioning pages (history, compare, save, release, restore) serve both."""
    kind = Agent.Kind.PROMPT if public_id.startswith("pr_") else Agent.Kind.AGENT
    return agent_for_page(public_id, kind=kind)


def active_agents() -> QuerySet[Agent]:
    """Agents a channel may be routed to, by name."""
    return Agent.objects.agents().filter(archived_at__isnull=True).order_by("name")
