"""Metrics per version and two versions compared (API.md, "Quality signals")."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Query, Schema

from agents.api.changes import check_filters
from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.domain.exceptions import InvalidInput
from agents.permissions import VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import metrics as metrics_selectors
from agents.selectors import verdicts

metrics_router = Router(tags=["quality"])


class Interval(Schema):
    value: float | None
    low: float | None
    high: float | None


class LatencyOut(Schema):
    p50: float | None
    p95: float | None
    mean: float | None
    n: int


class MeanInterval(Schema):
    mean: float | None
    low: float | None
    high: float | None
    n: int


class CostOut(Schema):
    mean: float | None
    total: float | None
    n: int


class ScoreOut(Schema):
    mean: float | None
    n: int


class VersionMetricsOut(Schema):
    version: int | Literal["draft"]
    conversations: int
    ended: int
    completion_rate: Interval | None = Field(description="Over ended conversations, 95% Wilson")
    latency_ms: LatencyOut | None
    satisfaction: MeanInterval | None = Field(description="With its 95% t-interval")
    cost: CostOut | None
    scores: dict[str, ScoreOut]


class MetricsList(Schema):
    data: list[VersionMetricsOut]


class Scope(Schema):
    channel: str = Field("", max_length=16, description="`ch_…`: only this channel's")
    since: date | None = Field(None, description="From this day (inclusive)")
    until: date | None = Field(None, description="To this day (inclusive)")


class MetricsFilters(Scope):
    version: list[str] = Field(
        [], description="3, v3, released, a label or draft; repeat for several (default all)"
    )


class ComparedMetric(Schema):
    metric: str
    baseline: dict
    candidate: dict
    delta: float | None = Field(description="candidate - baseline (latency: at p95, in ms)")
    p: float | None = Field(description="Two-sided; the test is documented per metric")
    verdict: Literal["better", "worse", "no_difference", "too_few"]
    sentence: str


class ComparisonOut(Schema):
    baseline: int | Literal["draft"]
    candidate: int | Literal["draft"]
    metrics: list[ComparedMetric]


class CompareFilters(Scope):
    baseline: str = Field(..., max_length=40, description="A version reference")
    candidate: str = Field(..., max_length=40, description="A version reference")


def _scope(filters: Scope) -> dict:
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput([{"path": "since", "message": "is after until"}])
    return {"channel": filters.channel, "since": filters.since, "until": filters.until}


def metrics_out(entry: metrics_selectors.VersionMetrics) -> dict:
    def shown(metric: str, n: int):
        return verdicts.side(entry, metric) if n else None

    return {
        "version": entry.version,
        "conversations": entry.conversations,
        "ended": entry.ended,
        "completion_rate": shown("completion_rate", entry.ended),
        "latency_ms": shown("latency_ms", entry.latency.n),
        "satisfaction": shown("satisfaction", entry.satisfaction.n),
        "cost": (
            {"mean": entry.cost.mean, "total": entry.cost_total, "n": entry.cost.n}
            if entry.cost.n
            else None
        ),
        "scores": {name: {"mean": s.mean, "n": s.n} for name, s in sorted(entry.scores.items())},
    }


@metrics_router.get("/{agent_id}/metrics", response={200: MetricsList, **ERRORS_READ})
def agent_metrics(request, agent_id: str, filters: Query[MetricsFilters]):
    """Metrics per version: conversations, completion rate with its interval, latency
    p50/p95/mean, satisfaction with its interval, cost, each score's mean

    Production conversations only (never the playground's); `null` where nothing was
    reported."""
    require(request, VIEW_AGENT)
    check_filters(request, ("version", "channel", "since", "until"))
    agent = agents_selectors.agent_for_page(agent_id)
    ids = None
    if filters.version:
        ids = tuple(metrics_selectors.version_id(agent, ref) for ref in filters.version)
    scope = metrics_selectors.Scope(agent, version_ids=ids, **_scope(filters))
    return {"data": [metrics_out(m) for m in metrics_selectors.version_metrics(scope)]}


@metrics_router.get("/{agent_id}/metrics/compare", response={200: ComparisonOut, **ERRORS_READ})
def compare_metrics(request, agent_id: str, filters: Query[CompareFilters]):
    """Two versions side by side on every metric, each with a verdict and its p-value

    Completion: two-proportion z-test; latency: Welch's t on ln(1 + ms); satisfaction,
    cost and scores: Welch's t; two-sided at 0.05. Fewer than 30 a side: `too_few`."""
    require(request, VIEW_AGENT)
    check_filters(request, ("baseline", "candidate", "channel", "since", "until"))
    agent = agents_selectors.agent_for_page(agent_id)
    compared = verdicts.compare(agent, filters.baseline, filters.candidate, **_scope(filters))
    return {
        "baseline": compared.baseline.version,
        "candidate": compared.candidate.version,
        "metrics": [
            {
                "metric": row.metric,
                "baseline": row.baseline,
                "candidate": row.candidate,
                "delta": row.comparison.delta,
                "p": row.comparison.p,
                "verdict": row.comparison.verdict,
                "sentence": row.comparison.sentence,
            }
            for row in compared.rows
        ],
    }
