"""Latency histograms: buckets on a log scale and percentiles read back within one
bucket's width of percentile_cont's exact answer."""

import math
import random

import pytest

from agents.domain import histograms
from tests.helpers import percentile_cont


def counts(values):
    found = {}
    for x in values:
        found[histograms.bucket(x)] = found.get(histograms.bucket(x), 0) + 1
    return found


def test_a_latency_lies_between_its_buckets_edges():
    for ms in (0.0, 0.4, 1.0, 99.9, 800.0, 1234.5, 60_000.0, 3_600_000.0):
        k = histograms.bucket(ms)
        assert histograms.edge(k) <= ms < histograms.edge(k + 1)
    assert histograms.bucket(0) == 0
    # 0.84% wide: the upper edge of a bucket over its lower, on the (1 + ms) scale
    assert (1 + histograms.edge(601)) / (1 + histograms.edge(600)) == pytest.approx(
        math.exp(1 / 120)
    )


@pytest.mark.parametrize(("seed", "n"), [(1, 1), (2, 2), (3, 31), (4, 1000), (5, 20_000)])
def test_percentiles_land_within_one_bucket_of_the_exact_value(seed, n):
    rng = random.Random(seed)
    values = [rng.lognormvariate(6.7, 0.6) for _ in range(n)]
    found = counts(values)
    for p in (0.0, 0.5, 0.95, 0.99, 1.0):
        exact = percentile_cont(values, p)
        estimate = histograms.percentile(found, p)
        assert abs(math.log1p(estimate) - math.log1p(exact)) <= 1 / histograms.PER_E


def test_many_values_give_a_much_closer_answer():
    rng = random.Random(9)
    values = [rng.lognormvariate(6.7, 0.6) for _ in range(100_000)]
    found = counts(values)
    for p in (0.5, 0.95):
        assert histograms.percentile(found, p) == pytest.approx(
            percentile_cont(values, p), rel=0.001
        )


def test_no_values_no_percentile_and_empty_buckets_are_skipped():
    assert histograms.percentile({}, 0.5) is None
    assert histograms.percentile({3: 0, 5: -0}, 0.5) is None
    one = histograms.percentile({700: 0, 800: 1}, 0.5)
    assert histograms.edge(800) <= one < histograms.edge(801)


def test_coarse_buckets_gather_fine_ones():
    assert [histograms.coarse(k, 3) for k in (0, 39, 40, 79, 80)] == [0, 0, 1, 1, 2]
    for ms in (5.0, 420.0, 9_999.0):
        assert histograms.coarse(histograms.bucket(ms), 3) == math.floor(math.log(ms + 1) * 3)
    with pytest.raises(ValueError, match="do not divide"):
        histograms.coarse(10, 7)
