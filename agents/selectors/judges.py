"""Judges: an agent's, one by id, and what they scored lately per version."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from agents.models import Agent, Judge, Judgement
from agents.selectors.base import one


def judges_of(agent: Agent) -> QuerySet[Judge]:
    return Judge.objects.filter(agent_id=agent.pk, deleted_at__isnull=True).order_by("name")


def judge(public_id: str) -> Judge:
    return one(
        Judge.objects.filter(public_id=public_id, deleted_at__isnull=True).select_related("agent"),
        f"No judge {public_id}.",
    )


@dataclass(frozen=True)
class VersionScore:
    version: int | str  # a number, or "draft"
    mean: float | None
    scored: int
    failed: int


def recent_scores(judges: list[Judge]) -> dict[int, list[VersionScore]]:
    """Judge id -> its scores per version, newest version first: one aggregate query."""
    if not judges:
        return {}
    rows = (
        Judgement.objects.filter(judge_id__in=[j.pk for j in judges])
        .values("judge_id", "conversation__version__number")
        .annotate(
            mean=Avg("score", filter=Q(status=Judgement.Status.SCORED)),
            scored=Count("id", filter=Q(status=Judgement.Status.SCORED)),
            failed=Count("id", filter=Q(status=Judgement.Status.FAILED)),
        )
        .order_by("judge_id", "-conversation__version__number")
    )
    found: dict[int, list[VersionScore]] = {j.pk: [] for j in judges}
    for row in rows:
        number = row["conversation__version__number"]
        found[row["judge_id"]].append(
            VersionScore(number or "draft", row["mean"], row["scored"], row["failed"])
        )
    return found


def judge_of(agent: Agent, public_id: str) -> Judge:
    """One of `agent`'s live judges; UnknownReference for any other."""
    return one(
        judges_of(agent).filter(public_id=public_id), f"{agent.name} has no judge {public_id}."
    )
