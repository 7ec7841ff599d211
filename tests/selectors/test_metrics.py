"""Metrics per version: one aggregate query per family, percentiles computed in the
database (percentile_cont on PostgreSQL, window functions on SQLite) agreeing with
Python's, filters by version, channel and dates."""

import random
import statistics
from dataclasses import astuple
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.selectors import metrics
from tests.helpers import ended, percentile_cont

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(agent, make_version):
    return make_version(agent), make_version(agent)


def test_percentiles_and_means_agree_with_python(agent, two_versions):
    v1, v2 = two_versions
    rng = random.Random(7)
    latencies = {
        v: [round(rng.lognormvariate(6.5, 0.5), 1) for _ in range(n)]
        for v, n in ((v1, 101), (v2, 64))
    }
    for version, values in latencies.items():
        ended(
            version,
            [
                {"latency_ms": x, "satisfaction": 1 + i % 5, "cost": 0.01 * (i % 3)}
                for i, x in enumerate(values)
            ],
        )
    found = {m.version: m for m in metrics.version_metrics(metrics.Scope(agent))}
    for version, values in latencies.items():
        row = found[version.number]
        assert row.latency_p50 == pytest.approx(percentile_cont(values, 0.5), abs=1e-6)
        assert row.latency_p95 == pytest.approx(percentile_cont(values, 0.95), abs=1e-6)
        assert row.latency_mean == pytest.approx(statistics.mean(values))
        assert row.satisfaction.n == len(values)
        expected = [1 + i % 5 for i in range(len(values))]
        assert row.satisfaction.mean == pytest.approx(statistics.mean(expected))
        assert row.satisfaction.variance == pytest.approx(statistics.variance(expected))
        assert row.cost_total == pytest.approx(sum(0.01 * (i % 3) for i in range(len(values))))


def test_scores_are_averaged_by_name(agent, two_versions):
    v1, _ = two_versions
    ended(v1, [{"scores": {"polite": 1.0, "booked": 0.0}}, {"scores": {"polite": 0.5}}, {}])
    (row,) = metrics.version_metrics(metrics.Scope(agent))
    assert row.scores["polite"].n == 2
    assert row.scores["polite"].mean == pytest.approx(0.75)
    assert (row.scores["booked"].n, row.scores["booked"].mean) == (1, 0.0)


def test_filters_by_version_channel_and_dates(agent, two_versions):
    v1, v2 = two_versions
    now = timezone.now()
    ended(v1, [{"latency_ms": 100}] * 3, channel_ref="ch_a")
    ended(v1, [{"latency_ms": 900}] * 2, channel_ref="ch_b", at=now - timedelta(days=10))
    ended(v2, [{"latency_ms": 500}] * 4, channel_ref="ch_a")
    only_v1 = metrics.version_metrics(metrics.Scope(agent, version_ids=(v1.pk,)))
    assert [(m.version, m.conversations) for m in only_v1] == [(v1.number, 5)]
    on_a = metrics.version_metrics(metrics.Scope(agent, channel="ch_a"))
    assert [(m.version, m.conversations) for m in on_a] == [(v2.number, 4), (v1.number, 3)]
    recent = metrics.version_metrics(metrics.Scope(agent, since=(now - timedelta(days=2)).date()))
    assert sum(m.conversations for m in recent) == 7
    old = metrics.version_metrics(metrics.Scope(agent, until=(now - timedelta(days=5)).date()))
    assert [(m.version, m.latency_p50) for m in old] == [(v1.number, 900)]


def test_the_number_of_queries_does_not_grow_with_conversations(
    agent, two_versions, django_assert_max_num_queries
):
    v1, v2 = two_versions
    for version in (v1, v2):
        ended(version, [{"latency_ms": i, "scores": {"a": 0.5}} for i in range(200)])
    with django_assert_max_num_queries(4):
        assert len(metrics.version_metrics(metrics.Scope(agent))) == 2


def test_no_conversations_no_rows(agent, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert metrics.version_metrics(metrics.Scope(agent)) == []


def test_beyond_the_exact_limit_percentiles_come_from_the_days_histograms(
    agent, two_versions, monkeypatch, django_assert_max_num_queries
):
    import math

    from agents.domain import histograms

    v1, _ = two_versions
    rng = random.Random(11)
    values = [round(rng.lognormvariate(6.5, 0.5), 1) for _ in range(400)]
    ended(v1, [{"latency_ms": x} for x in values])
    exact = metrics.version_metrics(metrics.Scope(agent))[0]
    monkeypatch.setattr(metrics, "EXACT_PERCENTILES", 100)
    with django_assert_max_num_queries(3):  # sums, histogram, numbers
        (estimated,) = metrics.version_metrics(metrics.Scope(agent))
    for p, name in ((0.5, "latency_p50"), (0.95, "latency_p95")):
        assert getattr(exact, name) == pytest.approx(percentile_cont(values, p))
        off = abs(math.log1p(getattr(estimated, name)) - math.log1p(percentile_cont(values, p)))
        assert off <= 1 / histograms.PER_E
    assert estimated.latency_mean == pytest.approx(exact.latency_mean)


def test_days_and_conversations_give_the_same_metrics(agent, two_versions):
    v1, v2 = two_versions
    rng = random.Random(5)
    for version in (v1, v2):
        ended(
            version,
            [
                {
                    "outcome": rng.choice(["completed", "failed", "transferred", "abandoned"]),
                    "latency_ms": rng.lognormvariate(6.5, 0.5),
                    "satisfaction": rng.randint(1, 5),
                    "cost": rng.random() / 10,
                    "automated": rng.choice([True, False, None]),
                    "duration_s": rng.random() * 100,
                    "scores": {"polite": rng.random()},
                }
                for _ in range(50)
            ],
            channel_ref=rng.choice(["", "ch_a"]),
        )
    scope = metrics.Scope(agent)
    for kept, direct in zip(
        metrics.version_metrics(scope), metrics.metrics_of(scope.rows()), strict=True
    ):
        assert (kept.version, kept.conversations, kept.completed, kept.automated) == (
            direct.version,
            direct.conversations,
            direct.completed,
            direct.automated,
        )
        assert astuple(kept.latency) == pytest.approx(astuple(direct.latency))
        assert astuple(kept.scores["polite"]) == pytest.approx(astuple(direct.scores["polite"]))
        assert kept.latency_p95 == pytest.approx(direct.latency_p95)
        assert kept.mean_duration_s == pytest.approx(direct.mean_duration_s)
