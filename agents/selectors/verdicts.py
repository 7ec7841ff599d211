"""Two versions compared on every metric (API.md, "Quality signals": `/metrics/compare`
and the analytics page): both sides' figures as shown, and each metric's verdict by
the rule of its kind (domain/metrics)."""

from __future__ import annotations

from dataclasses import dataclass

from agents.domain import metrics
from agents.models import Agent, PublishedVersion
from agents.selectors.metrics import DRAFT, Scope, VersionMetrics, version_id, version_metrics


@dataclass(frozen=True)
class Row:
    """One metric of a comparison, both sides shown as the page and the API show them."""

    metric: str
    baseline: dict
    candidate: dict
    comparison: metrics.Comparison

    @property
    def title(self) -> str:
        return metrics.metric(self.metric).title.capitalize()


@dataclass(frozen=True)
class Compared:
    baseline: VersionMetrics
    candidate: VersionMetrics
    rows: list[Row]


def side(entry: VersionMetrics, metric: str) -> dict:
    """One version's figures on one metric, with how many observations (`n`): what the
    comparison, the analytics page and the metrics API show."""
    if metric == "completion_rate":
        return {
            "value": entry.completion_rate,
            "low": entry.completion_low,
            "high": entry.completion_high,
            "n": entry.ended,
        }
    if metric == "latency_ms":
        return {
            "p50": entry.latency_p50,
            "p95": entry.latency_p95,
            "mean": entry.latency_mean,
            "n": entry.latency.n,
        }
    sample = entry.sample(metric)
    interval = metrics.mean_interval(sample)
    return {
        "mean": sample.mean,
        "low": interval[0] if interval else None,
        "high": interval[1] if interval else None,
        "n": sample.n,
    }


def compare(agent: Agent, baseline: str, candidate: str, **scope) -> Compared:
    """Two versions side by side on every metric that either has, each with the
    verdict of its rule (domain/metrics)."""
    ids = (
        version_id(agent, baseline, path="baseline"),
        version_id(agent, candidate, path="candidate"),
    )
    found = {m.version_id: m for m in version_metrics(Scope(agent, version_ids=ids, **scope))}
    return compare_entries(*(found.get(pk) or _empty(pk) for pk in ids))


def compare_entries(b: VersionMetrics, c: VersionMetrics) -> Compared:
    """Baseline `b` and candidate `c`, already aggregated, compared metric by metric."""
    label = c.label
    rows = [
        Row(
            "completion_rate",
            side(b, "completion_rate"),
            side(c, "completion_rate"),
            metrics.compare_proportions(
                "completion_rate", b.arm("completion_rate"), c.arm("completion_rate"), label
            ),
        ),
        Row(
            "latency_ms",
            side(b, "latency_ms"),
            side(c, "latency_ms"),
            metrics.compare_latency(b.latency, c.latency, b.latency_p95, c.latency_p95, label),
        ),
    ]
    names = ["satisfaction", "cost", *(f"score:{n}" for n in sorted({*b.scores, *c.scores}))]
    for name in names:
        rows.append(
            Row(
                name,
                side(b, name),
                side(c, name),
                metrics.compare_means(
                    name, b.sample(name), c.sample(name), label, "$" if name == "cost" else ""
                ),
            )
        )
    return Compared(b, c, rows)


def _empty(pk: int | None) -> VersionMetrics:
    """A version with no conversations in scope (its number read once)."""
    entry = VersionMetrics(version_id=pk, version=DRAFT)
    if pk is not None:
        entry.version = PublishedVersion.objects.values_list("number", flat=True).get(pk=pk)
    return entry
