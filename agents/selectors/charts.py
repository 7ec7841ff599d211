"""What the analytics page charts for two versions: the latency distribution on a
log scale and a daily series per metric, one aggregate query each (the figures
come from selectors/metrics; the geometry from views/charts)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from agents.domain import histograms
from agents.models import LatencyDay, MetricDay, ScoreDay
from agents.selectors import metrics

# Latency buckets on a log scale: bucket k holds ln(1 + ms) in [k / 3, (k + 1) / 3),
# about 40% wide each: 1 s and 1.4 s land apart, 10 s and 10.4 s together.
BUCKETS_PER_E = 3


def bucket_floor_ms(k: int) -> float:
    return math.expm1(k / BUCKETS_PER_E)


def latency_histogram(scope: metrics.Scope) -> dict[int | None, dict[int, int]]:
    """Version id -> {bucket: conversations}: the days' fine buckets (domain/histograms)
    gathered into the chart's, one aggregate query."""
    found: dict[int | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = scope.days(LatencyDay).values_list("version_key", "bucket").annotate(n=Sum("n"))
    for version_key, fine, n in rows.order_by():
        if n:
            found[version_key or None][histograms.coarse(fine, BUCKETS_PER_E)] += n
    return {pk: dict(buckets) for pk, buckets in found.items()}


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    completion_rate: float | None
    latency_ms: float | None  # the day's mean
    satisfaction: float | None
    cost: float | None
    scores: dict[str, float] = field(default_factory=dict)  # each score's mean that day

    def value(self, metric: str) -> float | None:
        """The day's figure for a metric named as guards name it (`score:<name>` too)."""
        if metric.startswith("score:"):
            return self.scores.get(metric.removeprefix("score:"))
        return getattr(self, metric)


def daily(scope: metrics.Scope) -> dict[int | None, list[Day]]:
    """Version id -> its days in order, each with every metric's value: one query over
    the days (models/metrics.py), and one over the scores' days when there are any."""
    sums = ("conversations", "ended", "completed", "latency_n", "latency_sum")
    sums += ("satisfaction_n", "satisfaction_sum", "cost_n", "cost_sum")
    rows = (
        scope.days(MetricDay)
        .values("version_key", "day")
        .annotate(**{name: Sum(name) for name in sums})
        .order_by("day")
    )
    found: dict[int | None, list[Day]] = defaultdict(list)
    for row in rows:
        found[row["version_key"] or None].append(
            Day(
                day=row["day"],
                conversations=row["conversations"],
                completion_rate=metrics.mean_of(row["completed"], row["ended"]),
                latency_ms=metrics.mean_of(row["latency_sum"], row["latency_n"]),
                satisfaction=metrics.mean_of(row["satisfaction_sum"], row["satisfaction_n"]),
                cost=metrics.mean_of(row["cost_sum"], row["cost_n"]),
            )
        )
    if found:
        _add_scores(scope, found)
    return dict(found)


def _add_scores(scope: metrics.Scope, found: dict[int | None, list[Day]]) -> None:
    by_day = {(pk, d.day): d for pk, days in found.items() for d in days}
    rows = (
        scope.days(ScoreDay)
        .values_list("version_key", "day", "name")
        .annotate(n=Sum("n"), total=Sum("total"))
        .order_by()
    )
    for version_key, day, name, n, total in rows:
        entry = by_day.get((version_key or None, day))
        mean = metrics.mean_of(total, n)
        if entry is not None and mean is not None:
            entry.scores[name] = mean
