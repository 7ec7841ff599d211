"""What the analytics charts read: the latency histogram and the daily series, one
aggregate query each."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.selectors import charts, metrics
from tests.helpers import ended

pytestmark = pytest.mark.django_db


def test_latencies_fall_in_log_buckets_per_version(
    agent, make_version, django_assert_max_num_queries
):
    v1 = make_version(agent)
    ended(v1, [{"latency_ms": 1000.0}, {"latency_ms": 1010.0}, {"latency_ms": 5000.0}, {}])
    with django_assert_max_num_queries(1):
        found = charts.latency_histogram(metrics.Scope(agent))
    bucket = math.floor(math.log1p(1000.0) * charts.BUCKETS_PER_E)
    assert found[v1.pk][bucket] == 2
    assert sum(found[v1.pk].values()) == 3
    assert charts.bucket_floor_ms(bucket) <= 1000 < charts.bucket_floor_ms(bucket + 1)


def test_each_day_has_every_metric(agent, make_version, django_assert_max_num_queries):
    v1 = make_version(agent)
    now = timezone.now()
    liked = {"latency_ms": 100.0, "satisfaction": 4, "cost": 0.02}
    ended(v1, [{**liked, "scores": {"polite": 1.0}}, {**liked, "scores": {"polite": 0.5}}], at=now)
    ended(v1, [{"outcome": "failed", "latency_ms": 300.0}], at=now - timedelta(days=2))
    with django_assert_max_num_queries(2):  # the days, their scores
        days = charts.daily(metrics.Scope(agent))[v1.pk]
    assert [d.conversations for d in days] == [1, 2]
    assert (days[0].completion_rate, days[0].latency_ms, days[0].satisfaction) == (0.0, 300.0, None)
    assert (days[1].completion_rate, days[1].satisfaction, days[1].cost) == (1.0, 4.0, 0.02)
    assert (days[0].value("score:polite"), days[1].value("score:polite")) == (None, 0.75)
    assert days[1].value("latency_ms") == 100.0
