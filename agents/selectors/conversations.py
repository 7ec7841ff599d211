"""Reading conversations: filtered lists, one conversation, per-version outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from agents.domain import references
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.domain.stats import wilson_interval
from agents.models import Agent, Conversation
from agents.selectors import runtime
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


@dataclass(frozen=True)
class VersionStats:
    label: str  # "v3" or "draft"
    number: int | None
    conversations: int
    ended: int
    completion_rate: float | None  # completed / ended
    completion_low: float | None  # 95% Wilson interval
    completion_high: float | None
    mean_duration_s: float | None
    mean_sentiment: float | None
    automation_rate: float | None


def version_stats(agent: Agent) -> list[VersionStats]:
    """Per-version outcomes from one aggregate query, however many conversations."""
    rows = (
        Conversation.objects.filter(agent_id=agent.pk, playground=False)
        .values("version__number")
        .annotate(
            n_total=Count("id"),
            n_ended=Count("id", filter=Q(ended_at__isnull=False)),
            n_completed=Count("id", filter=Q(outcome="completed")),
            n_automated=Count("id", filter=Q(automated=True)),
            n_known_automation=Count("id", filter=Q(automated__isnull=False)),
            avg_duration=Avg("duration_s"),
            avg_sentiment=Avg("sentiment"),
        )
        .order_by("-version__number")
    )
    stats = []
    for row in rows:
        number = row["version__number"]
        ended = row["n_ended"]
        low, high = wilson_interval(row["n_completed"], ended)
        stats.append(
            VersionStats(
                label=f"v{number}" if number else "draft",
                number=number,
                conversations=row["n_total"],
                ended=ended,
                completion_rate=row["n_completed"] / ended if ended else None,
                completion_low=low if ended else None,
                completion_high=high if ended else None,
                mean_duration_s=row["avg_duration"],
                mean_sentiment=row["avg_sentiment"],
                automation_rate=(
                    row["n_automated"] / row["n_known_automation"]
                    if row["n_known_automation"]
                    else None
                ),
            )
        )
    return stats


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
