"""Reading conversations: filtered lists, one conversation, per-version outcomes."""

from __future__ import annotations

from django.db.models import QuerySet

from agents.domain import references
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.models import Agent, Conversation
from agents.selectors import metrics, runtime
from agents.selectors.base import one, where


def bound_to(rows: QuerySet[Conversation], version: str) -> QuerySet[Conversation]:
    """Conversations bound to `version` (`draft`, `3` or `v3`); InvalidInput otherwise."""
    reference = references.try_parse(version)
    if reference is None or reference.kind == "released":
        raise InvalidInput([{"path": "version", "message": "a number, vN or draft"}])
    if reference.kind == "draft":
        return rows.filter(version__isnull=True)
    return rows.filter(version__number=reference.number)


def conversation_list(
    *,
    agent: str | None = None,
    version: str | None = None,
    channel: str | None = None,
    outcome: str | None = None,
) -> QuerySet[Conversation]:
    """Conversations newest first with their bindings, filtered (the API's list)."""
    rows = Conversation.objects.select_related("agent", "version", "snapshot").order_by(
        "-started_at", "-id"
    )
    rows = where(rows, agent__public_id=agent, channel_ref=channel, outcome=outcome)
    return bound_to(rows, version) if version else rows


def conversation(public_id: str) -> Conversation:
    """One conversation with its binding loaded; UnknownReference when there is none."""
    return one(
        (
            Conversation.objects.select_related("agent", "version", "snapshot")
            .only(
                "agent__public_id",
                "version__number",
                "version__config",
                "snapshot__config",
                *[f.name for f in Conversation._meta.concrete_fields],
            )
            .filter(public_id=public_id)
        ),
        f"No conversation {public_id}.",
    )


def playground_session(agent: Agent, public_id: str) -> Conversation:
    """One of `agent`'s playground sessions; UnknownReference when there is none."""
    return one(
        (
            Conversation.objects.select_related("version", "snapshot").filter(
                agent_id=agent.pk, public_id=public_id, playground=True
            )
        ),
        f"No playground session {public_id}.",
    )


def conversations_page(
    agent: Agent, *, version: str = "", channel: str = "", outcome: str = "", since=None, until=None
):
    """The agent's conversations, newest first, filtered; a queryset to paginate."""
    rows = (
        Conversation.objects.filter(agent_id=agent.pk)
        .select_related("version")
        .only(
            "public_id",
            "version__number",
            "channel_ref",
            "variant",
            "key",
            "started_at",
            "ended_at",
            "outcome",
            "duration_s",
            "sentiment",
            "automated",
            "playground",
            "offline",
            "latency_ms",
            "satisfaction",
            "cost",
        )
        .order_by("-started_at", "-id")
    )
    if version and (reference := references.try_parse(version)) and reference.kind != "released":
        rows = bound_to(rows, version)
    dates = {"started_at__date__gte": since, "started_at__date__lte": until}
    return where(rows, channel_ref=channel, outcome=outcome, **dates)


def version_stats(agent: Agent) -> list[metrics.VersionMetrics]:
    """Per-version outcomes and what callers felt: selectors/metrics for every version
    of the agent (one aggregate query per metric family, however many conversations)."""
    return metrics.version_metrics(metrics.Scope(agent))


def agent_conversation(agent: Agent, public_id: str) -> Conversation:
    """One of `agent`'s conversations; UnknownReference for any other."""
    found = conversation(public_id)
    if found.agent_id != agent.pk:
        raise UnknownReference(f"{agent.public_id} has no conversation {public_id}.")
    return found


def turns_of(conversation: Conversation) -> list:
    """A conversation's turns in order."""
    return list(conversation.turns.order_by("position"))


def prompts_of(conversation: Conversation) -> list[dict]:
    """The linked prompts as the conversation started with them (their versions are
    kept on it; the texts come from those immutable versions)."""
    if not conversation.prompt_versions:
        return []
    versions = {(p["prompt"], p["role"]): p["version"] for p in conversation.prompt_versions}
    return runtime.linked_prompts(conversation.config, versions)
