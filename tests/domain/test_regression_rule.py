"""The regression rule of rollouts and alerts, on numbers worked out by hand."""

import math

import pytest

from agents.domain.stats import Arm, compare_arms, one_sided_p


def test_the_normal_tail_matches_known_values():
    assert one_sided_p(0) == pytest.approx(0.5)
    assert one_sided_p(1.6449) == pytest.approx(0.05, abs=1e-4)
    assert one_sided_p(2.3263) == pytest.approx(0.01, abs=1e-4)
    assert one_sided_p(-1.6449) == pytest.approx(0.95, abs=1e-4)


def test_a_large_significant_drop_is_worse():
    # 80% vs 66% on 500 each: pooled 0.73, se = sqrt(0.73 * 0.27 * 2/500) = 0.028078,
    # z = 0.14 / 0.028078 = 4.986, p ≈ 3.1e-7.
    verdict = compare_arms(Arm(400, 500), Arm(330, 500), metric="completion_rate", max_drop=0.05)
    assert verdict.worse
    assert verdict.drop == pytest.approx(0.14)
    assert verdict.z == pytest.approx(0.14 / math.sqrt(0.73 * 0.27 * 2 / 500))
    assert verdict.z == pytest.approx(4.986, abs=1e-3)
    assert verdict.p == pytest.approx(3.08e-7, rel=0.05)
    assert "worse by 14.0%" in verdict.reason


def test_a_big_drop_on_few_calls_is_not_significant():
    # 8/10 vs 6/10: pooled 0.7, se = sqrt(0.21 * 0.2) = 0.2049, z = 0.976, p = 0.1645.
    verdict = compare_arms(Arm(8, 10), Arm(6, 10), metric="completion_rate", max_drop=0.05)
    assert not verdict.worse
    assert verdict.p == pytest.approx(0.1645, abs=1e-3)
    assert "not significant" in verdict.reason


def test_a_significant_drop_within_the_allowed_drop_is_tolerated():
    # 80% vs 76% on 100,000 each: very significant, but 4 points < 5 allowed.
    verdict = compare_arms(
        Arm(80_000, 100_000), Arm(76_000, 100_000), metric="completion_rate", max_drop=0.05
    )
    assert not verdict.worse
    assert verdict.p < 1e-100 or verdict.p == 0.0
    assert "within the allowed drop" in verdict.reason


def test_for_transfers_and_failures_higher_is_worse():
    worse = compare_arms(Arm(50, 1000), Arm(120, 1000), metric="failure_rate", max_drop=0.05)
    assert worse.worse
    assert worse.drop == pytest.approx(0.07)
    better = compare_arms(Arm(120, 1000), Arm(50, 1000), metric="transfer_rate", max_drop=0.05)
    assert not better.worse
    assert better.drop == pytest.approx(-0.07)


def test_no_data_or_identical_outcomes_are_never_worse():
    assert not compare_arms(Arm(0, 0), Arm(5, 10), metric="completion_rate", max_drop=0).worse
    same = compare_arms(Arm(10, 10), Arm(10, 10), metric="completion_rate", max_drop=0)
    assert (same.worse, same.z) == (False, None)
    with pytest.raises(ValueError, match="unknown metric"):
        compare_arms(Arm(1, 2), Arm(1, 2), metric="happiness", max_drop=0.1)
