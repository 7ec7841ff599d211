"""Metrics per version (API.md, "Quality signals"): one aggregate query per metric
family, however many conversations.

`version_metrics` reads the metrics kept per day (models/metrics.py: counts, sums
and sums of squares per version, channel and day, kept as conversations end), so
its cost follows the number of days in scope, not of conversations. Latency
percentiles are exact while the scope holds at most EXACT_PERCENTILES latencies:
`percentile_cont` on PostgreSQL; SQLite has no such aggregate, so the same
definition is computed in the database with window functions (the rows of each
version numbered in latency order, i = 0 … n - 1, the percentile p at position
h = p · (n - 1), interpolated linearly between rows ⌊h⌋ and ⌊h⌋ + 1, as
`percentile_cont` does; tests check both against Python). Beyond that, they come
from the days' histograms of 0.84%-wide log buckets by the same definition
(domain/histograms: within one bucket of the exact value).

`metrics_of` aggregates any set of conversations directly (a release's evidence
over time windows that are not whole days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Ln
from django.utils import timezone

from agents.domain import histograms, metrics, references, stats
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.models import (
    DRAFT_KEY,
    Agent,
    Conversation,
    LatencyDay,
    MetricDay,
    PublishedVersion,
    ScoreDay,
)
from agents.models.metrics import DayKey
from agents.selectors import labels
from agents.selectors.base import where

DRAFT = "draft"

# What counts as a hit for each rate, over ended conversations.
HITS = {
    "completion_rate": Q(outcome="completed"),
    "automation_rate": Q(automated=True),
    "transfer_rate": Q(outcome="transferred"),
    "failure_rate": Q(outcome="failed"),
}
NONE = metrics.Sample(0, None, None)
PERCENTILES = (0.5, 0.95)


@dataclass(frozen=True)
class Scope:
    """Which conversations count: the agent's (never the playground's), on these
    versions (ids; None for the draft), a channel, and a range of days."""

    agent: Agent
    version_ids: tuple[int | None, ...] | None = None  # None: every version
    channel: str = ""
    since: date | None = None
    until: date | None = None

    def rows(self) -> QuerySet[Conversation]:
        rows = Conversation.objects.filter(agent_id=self.agent.pk, playground=False)
        if self.version_ids is not None:
            ids = [pk for pk in self.version_ids if pk is not None]
            condition = Q(version_id__in=ids)
            if None in self.version_ids:
                condition |= Q(version_id__isnull=True)
            rows = rows.filter(condition)
        if self.channel:
            rows = rows.filter(channel_ref=self.channel)
        if self.since:
            rows = rows.filter(started_at__gte=_day_start(self.since))
        if self.until:
            rows = rows.filter(started_at__lt=_day_start(self.until + timedelta(days=1)))
        return rows

    def days(self, model: type[DayKey]) -> QuerySet:
        """The rows of a per-day table (models/metrics.py) in scope."""
        rows = model.objects.filter(agent_id=self.agent.pk)
        if self.version_ids is not None:
            rows = rows.filter(version_key__in=[pk or DRAFT_KEY for pk in self.version_ids])
        return where(rows, channel_ref=self.channel, day__gte=self.since, day__lte=self.until)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass
class VersionMetrics:
    version_id: int | None
    version: int | str  # its number, or "draft"
    conversations: int = 0
    ended: int = 0
    completed: int = 0
    automated: int = 0
    known_automation: int = 0
    transferred: int = 0
    failed: int = 0
    latency: metrics.Sample = NONE  # of ln(1 + ms)
    latency_mean: float | None = None
    latency_p50: float | None = None
    latency_p95: float | None = None
    satisfaction: metrics.Sample = NONE
    cost: metrics.Sample = NONE
    cost_total: float | None = None
    scores: dict[str, metrics.Sample] = field(default_factory=dict)
    mean_duration_s: float | None = None
    mean_sentiment: float | None = None

    @property
    def label(self) -> str:
        return DRAFT if self.version == DRAFT else f"v{self.version}"

    @property
    def number(self) -> int | None:
        return None if self.version == DRAFT else self.version

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.ended if self.ended else None

    @property
    def completion_low(self) -> float | None:
        interval = self.completion_interval()
        return interval[0] if interval else None

    @property
    def completion_high(self) -> float | None:
        interval = self.completion_interval()
        return interval[1] if interval else None

    @property
    def automation_rate(self) -> float | None:
        return self.automated / self.known_automation if self.known_automation else None

    def arm(self, metric: str) -> stats.Arm:
        """The hits of a rate over ended conversations."""
        hits = {
            "completion_rate": self.completed,
            "transfer_rate": self.transferred,
            "failure_rate": self.failed,
        }
        if metric == "automation_rate":
            return stats.Arm(self.automated, self.known_automation)
        return stats.Arm(hits[metric], self.ended)

    def sample(self, metric: str) -> metrics.Sample:
        if metric == "latency_ms":
            return self.latency
        if metric.startswith("score:"):
            return self.scores.get(metric[6:], NONE)
        return getattr(self, metric)

    def completion_interval(self) -> tuple[float, float] | None:
        return stats.wilson_interval(self.completed, self.ended) if self.ended else None


def version_metrics(scope: Scope) -> list[VersionMetrics]:
    """Every version in scope with its metrics, newest first (the draft last), from the
    days: four queries at most — outcomes and means, percentiles (when a latency was
    reported), scores (when one was), the versions' numbers."""
    found: dict[int | None, VersionMetrics] = {}
    scored = False
    for row in scope.days(MetricDay).values("version_key").annotate(**DAY_SUMS).order_by():
        scored = scored or bool(row["scored"])
        pk = row["version_key"] or None
        found[pk] = _entry(pk, row)
    if not found:
        return []
    latencies = sum(entry.latency.n for entry in found.values())
    if latencies:
        exact = latencies <= EXACT_PERCENTILES
        for pk, p50, p95 in _percentiles(scope.rows()) if exact else _histogram(scope):
            found[pk].latency_p50, found[pk].latency_p95 = p50, p95
    if scored:
        for row in (
            scope.days(ScoreDay)
            .values("version_key", "name")
            .annotate(n=Sum("n"), total=Sum("total"), squares=Sum("squares"))
        ):
            entry = found[row["version_key"] or None]
            entry.scores[row["name"]] = _sums(row, "n", "total", "squares")
    return _numbered(found)


# Beyond this many latencies in scope, percentiles come from the days' histograms.
EXACT_PERCENTILES = 50_000

LOG_LATENCY = Ln(F("latency_ms") + 1.0)

# Each column of a day row (models/metrics.py) as an aggregate over conversations: what
# services/metrics rebuilds the days with, and what metrics_of reads any rows by.
DAY_AGGREGATES = {
    "conversations": Count("id"),
    "ended": Count("id", filter=Q(ended_at__isnull=False)),
    "completed": Count("id", filter=Q(outcome="completed")),
    "transferred": Count("id", filter=Q(outcome="transferred")),
    "failed": Count("id", filter=Q(outcome="failed")),
    "automated": Count("id", filter=Q(automated=True)),
    "known_automation": Count("id", filter=Q(automated__isnull=False)),
    "scored": Count("id", filter=~Q(scores={})),
    "latency_n": Count("latency_ms"),
    "latency_sum": Sum("latency_ms"),
    "latency_log_sum": Sum(LOG_LATENCY),
    "latency_log_squares": Sum(LOG_LATENCY * LOG_LATENCY),
    "satisfaction_n": Count("satisfaction"),
    "satisfaction_sum": Sum(F("satisfaction") * 1.0),
    "satisfaction_squares": Sum(F("satisfaction") * F("satisfaction") * 1.0),
    "cost_n": Count("cost"),
    "cost_sum": Sum("cost"),
    "cost_squares": Sum(F("cost") * F("cost")),
    "duration_n": Count("duration_s"),
    "duration_sum": Sum("duration_s"),
    "sentiment_n": Count("sentiment"),
    "sentiment_sum": Sum("sentiment"),
}
DAY_SUMS = {name: Sum(name) for name in DAY_AGGREGATES}  # the same, over day rows


def _entry(pk: int | None, sums: dict) -> VersionMetrics:
    """One version's metrics from its sums (of day rows, or of conversations)."""
    return VersionMetrics(
        version_id=pk,
        version=DRAFT,
        conversations=sums["conversations"],
        ended=sums["ended"],
        completed=sums["completed"],
        transferred=sums["transferred"],
        failed=sums["failed"],
        automated=sums["automated"],
        known_automation=sums["known_automation"],
        latency=_sums(sums, "latency_n", "latency_log_sum", "latency_log_squares"),
        latency_mean=mean_of(sums["latency_sum"], sums["latency_n"]),
        satisfaction=_sums(sums, "satisfaction_n", "satisfaction_sum", "satisfaction_squares"),
        cost=_sums(sums, "cost_n", "cost_sum", "cost_squares"),
        cost_total=sums["cost_sum"] if sums["cost_n"] else None,
        mean_duration_s=mean_of(sums["duration_sum"], sums["duration_n"]),
        mean_sentiment=mean_of(sums["sentiment_sum"], sums["sentiment_n"]),
    )


def _sums(row: dict, n: str, total: str, squares: str) -> metrics.Sample:
    count = row[n] or 0
    return _sample(count, row[total] / count, row[squares]) if count else NONE


def mean_of(total, n) -> float | None:
    return float(total) / n if n else None


def _histogram(scope: Scope) -> list[tuple]:
    """(version id, p50, p95) of each version, from the days' latency buckets."""
    counts: dict[int | None, dict[int, int]] = {}
    for version_key, k, n in (
        scope.days(LatencyDay).values_list("version_key", "bucket").annotate(n=Sum("n")).order_by()
    ):
        counts.setdefault(version_key or None, {})[k] = n
    return [
        (pk, *(histograms.percentile(found, p) for p in PERCENTILES))
        for pk, found in counts.items()
    ]


def metrics_of(rows: QuerySet[Conversation]) -> list[VersionMetrics]:
    """version_metrics of any set of conversations, grouped by version."""
    found: dict[int | None, VersionMetrics] = {}
    scored = False
    aggregates = {f"sum_{name}": aggregate for name, aggregate in DAY_AGGREGATES.items()}
    for row in rows.values("version_id").annotate(**aggregates):
        sums = {name: row[f"sum_{name}"] or 0 for name in DAY_AGGREGATES}
        scored = scored or bool(sums["scored"])
        found[row["version_id"]] = _entry(row["version_id"], sums)
    if not found:
        return []
    if any(entry.latency.n for entry in found.values()):
        for version_id, p50, p95 in _percentiles(rows):
            found[version_id].latency_p50, found[version_id].latency_p95 = p50, p95
    if scored:
        for version_id, name, n, mean, squares in _scores(rows):
            found[version_id].scores[name] = _sample(n, mean, squares)
    return _numbered(found)


def _numbered(found: dict[int | None, VersionMetrics]) -> list[VersionMetrics]:
    """The entries with their versions' numbers (one query), newest first, the draft last."""
    numbers = dict(
        PublishedVersion.objects.filter(pk__in=[pk for pk in found if pk]).values_list(
            "pk", "number"
        )
    )
    for version_id, entry in found.items():
        if version_id is not None:
            entry.version = numbers[version_id]
    return sorted(
        found.values(),
        key=lambda m: (m.version == DRAFT, -(m.version if m.version != DRAFT else 0)),
    )


def _sample(n: int, mean, squares) -> metrics.Sample:
    """A sample from its count, mean and sum of squares (the sample variance from
    them: Σx² - n·mean², over n - 1; SQLite has no variance aggregate of its own
    that accepts fewer than two rows)."""
    if not n:
        return NONE
    mean = float(mean)
    variance = max(0.0, (float(squares) - n * mean * mean) / (n - 1)) if n > 1 else None
    return metrics.Sample(n, mean, variance)


def _inner(rows: QuerySet[Conversation], *columns: str) -> tuple[str, tuple]:
    """The SQL of `rows` selecting `columns` (named as they are), to aggregate over."""
    return rows.order_by().values_list(*columns).query.sql_with_params()  # no ORDER BY


def _fetch(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _percentiles(rows: QuerySet[Conversation]) -> list[tuple]:
    inner, params = _inner(rows.filter(latency_ms__isnull=False), "version_id", "latency_ms")
    if connection.vendor == "postgresql":
        columns = ", ".join(
            f"percentile_cont({p}) WITHIN GROUP (ORDER BY t.latency_ms)" for p in PERCENTILES
        )
        return _fetch(f"SELECT t.version_id, {columns} FROM ({inner}) AS t GROUP BY 1", params)
    picks = []
    for p in PERCENTILES:
        h = f"({p} * (r.n - 1))"
        low = f"CAST({h} AS INTEGER)"
        picks.append(
            f"SUM(CASE WHEN r.i = {low} THEN r.x * (1 - ({h} - {low}))"
            f" WHEN r.i = {low} + 1 THEN r.x * ({h} - {low}) ELSE 0 END)"
        )
    sql = (
        f"SELECT r.v, {', '.join(picks)} FROM ("
        " SELECT t.version_id AS v, t.latency_ms AS x,"
        " ROW_NUMBER() OVER (PARTITION BY t.version_id ORDER BY t.latency_ms) - 1 AS i,"
        " COUNT(*) OVER (PARTITION BY t.version_id) AS n"
        f" FROM ({inner}) AS t) AS r GROUP BY r.v"
    )
    return _fetch(sql, params)


def _scores(rows: QuerySet[Conversation]) -> list[tuple]:
    inner, params = _inner(rows.exclude(scores={}), "version_id", "scores")
    if connection.vendor == "postgresql":
        value = "(s.value #>> '{}')::float"
        each = "jsonb_each(t.scores)"
    else:
        value, each = "s.value", "json_each(t.scores)"
    sql = (
        f"SELECT t.version_id, s.key, COUNT(*), AVG({value}), SUM({value} * {value})"
        f" FROM ({inner}) AS t, {each} AS s GROUP BY t.version_id, s.key"
    )
    return _fetch(sql, params)


def version_id(agent: Agent, ref: str, *, path: str = "version") -> int | None:
    """The version `ref` names for metrics (`3`, `v3`, `released`, a label; `draft`
    for every draft conversation: None). InvalidInput for a revision, a branch's
    draft or nonsense, UnknownReference for a version or label the agent does not have."""
    reference = references.try_parse(ref)
    if reference is None or reference.kind in ("revision", "branch"):
        raise InvalidInput(
            [{"path": path, "message": "a version (3 or v3), released, a label or draft"}]
        )
    if reference.kind == "draft":
        return None
    if reference.kind == "version":
        found = PublishedVersion.objects.filter(agent_id=agent.pk, number=reference.number)
        pk = found.values_list("pk", flat=True).first()
        if pk is None:
            raise UnknownReference(f"“{agent.name}” has no v{reference.number}.")
        return pk
    name = reference.name or reference.kind  # a label, or `released`
    target = labels.label_target(agent, name)
    if target is None:
        raise UnknownReference(f"“{agent.name}” has no version at {name}.")
    return target.pk


# ------------------------------------------------------------------ arms


def value_of(metric: str):
    """The expression a mean-like metric averages (latency: ln(1 + ms))."""
    if metric == "latency_ms":
        return Ln(F("latency_ms") + 1.0)
    if metric.startswith("score:"):
        return Cast(KT(f"scores__{metric[6:]}"), FloatField())
    return F(metric) * 1.0


def side_aggregates(prefix: str, side: Q, metric: str) -> dict:
    """The aggregates one side needs for `metric`, named after `prefix`, to fold into
    one aggregate query with other sides and metrics (side_value reads them back).
    Rates count over ended conversations (`side` says which)."""
    if metrics.metric(metric).kind == "proportion":
        return {
            f"{prefix}_total": Count("id", filter=side),
            f"{prefix}_hits": Count("id", filter=side & HITS[metric]),
        }
    value = value_of(metric)
    return {
        f"{prefix}_n": Count(value, filter=side),
        f"{prefix}_mean": Avg(value, filter=side),
        f"{prefix}_squares": Sum(value * value, filter=side),
    }


def side_value(found: dict, prefix: str, metric: str) -> stats.Arm | metrics.Sample:
    if metrics.metric(metric).kind == "proportion":
        return stats.Arm(found[f"{prefix}_hits"], found[f"{prefix}_total"])
    return _sample(found[f"{prefix}_n"], found[f"{prefix}_mean"], found[f"{prefix}_squares"])
