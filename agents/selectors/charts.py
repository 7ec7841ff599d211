"""What the analytics page charts for two versions: the latency distribution on a
log scale and a daily series per metric, one aggregate query each (the figures
come from selectors/metrics; the geometry from views/charts)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Floor, Ln, TruncDate

from agents.selectors import metrics

# Latency buckets on a log scale: bucket k holds ln(1 + ms) in [k / 3, (k + 1) / 3),
# about 40% wide each: 1 s and 1.4 s land apart, 10 s and 10.4 s together.
BUCKETS_PER_E = 3


def bucket_floor_ms(k: int) -> float:
    return math.expm1(k / BUCKETS_PER_E)


def latency_histogram(scope: metrics.Scope) -> dict[int | None, dict[int, int]]:
    """Version id -> {bucket: conversations}, one aggregate query."""
    bucket = Floor(Ln(F("latency_ms") + 1.0) * BUCKETS_PER_E)
    found: dict[int | None, dict[int, int]] = defaultdict(dict)
    rows = (
        scope.rows()
        .filter(latency_ms__isnull=False)
        .annotate(bucket=bucket)
        .values("version_id", "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        found[row["version_id"]][int(row["bucket"])] = row["n"]
    return dict(found)


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    completion_rate: float | None
    latency_ms: float | None  # the day's mean
    satisfaction: float | None
    cost: float | None


def daily(scope: metrics.Scope) -> dict[int | None, list[Day]]:
    """Version id -> its days in order, each with every metric's value: one query."""
    rows = (
        scope.rows()
        .annotate(day=TruncDate("started_at"))
        .values("version_id", "day")
        .annotate(
            n=Count("id"),
            n_ended=Count("id", filter=Q(ended_at__isnull=False)),
            n_completed=Count("id", filter=Q(outcome="completed")),
            latency=Avg("latency_ms"),
            satisfaction=Avg("satisfaction"),
            cost=Avg("cost"),
        )
        .order_by("day")
    )
    found: dict[int | None, list[Day]] = defaultdict(list)
    for row in rows:
        found[row["version_id"]].append(
            Day(
                day=row["day"],
                conversations=row["n"],
                completion_rate=row["n_completed"] / row["n_ended"] if row["n_ended"] else None,
                latency_ms=row["latency"],
                satisfaction=None if row["satisfaction"] is None else float(row["satisfaction"]),
                cost=row["cost"],
            )
        )
    return dict(found)
