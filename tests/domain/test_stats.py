"""The regression rule of rollouts and alerts, on numbers worked out by hand."""

import math
import random

import pytest

from agents.domain.stats import Arm, compare_arms, one_sided_p, sequential_p


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
    assert "worse by 14.0 points" in verdict.reason


def test_a_big_drop_on_few_calls_is_not_significant():
    # 16/20 vs 12/20: pooled 0.7, se = sqrt(0.21 * 0.1) = 0.14491, z = 1.380, p = 0.0838.
    verdict = compare_arms(Arm(16, 20), Arm(12, 20), metric="completion_rate", max_drop=0.05)
    assert not verdict.worse
    assert verdict.p == pytest.approx(0.0838, abs=1e-3)
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


def test_a_handful_of_calls_is_never_judged():
    # 0 of 3 against 18 of 19 gives p ≈ 0.001, but with pooled 18/22 the candidate
    # expects 0.5 misses: the normal approximation does not hold yet.
    early = compare_arms(Arm(18, 19), Arm(0, 3), metric="completion_rate", max_drop=0.05)
    assert early.p < 0.01
    assert not early.worse
    assert "too few conversations" in early.reason
    # 80 a side at pooled 0.6: 32 expected misses and 48 hits on each side: judged.
    later = compare_arms(Arm(64, 80), Arm(32, 80), metric="completion_rate", max_drop=0.05)
    assert later.worse


def test_the_sequential_p_on_known_numbers():
    # 32/40 vs 16/40: pooled 0.6, V = 0.6 · 0.4 · 2/40 = 0.012, z = 0.4 / sqrt(V) = 3.6515;
    # τ = 0.1: Λ = sqrt(0.012 / 0.022) · exp(13.333 · 0.01 / (2 · 0.022)) = 15.29,
    # p_seq = 1/Λ = 0.0654: the fixed-sample p (0.00013) would have rolled back already.
    verdict = compare_arms(Arm(32, 40), Arm(16, 40), metric="completion_rate", max_drop=0.05)
    assert verdict.p == pytest.approx(1.3036e-4, rel=1e-3)
    assert verdict.p_seq == pytest.approx(0.0654, abs=5e-4)
    assert sequential_p(3.6515, 0.012, 0.1) == pytest.approx(0.0654, abs=5e-4)
    assert not verdict.worse
    assert sequential_p(-1.0, 0.012, 0.1) == 1.0


def test_looking_after_every_conversation_rarely_rolls_back_an_equal_candidate():
    """The reason for the sequential p: 200 equal candidates at 80%, each judged after
    every one of 1,000 conversations split 50/50."""
    rng = random.Random(11)
    rolled_back = fixed_would_have = 0
    for _ in range(200):
        hits, totals = [0, 0], [0, 0]
        fixed_hit = False
        for _ in range(1000):
            side = rng.random() < 0.5
            totals[side] += 1
            hits[side] += rng.random() < 0.8
            verdict = compare_arms(
                Arm(hits[0], totals[0]),
                Arm(hits[1], totals[1]),
                metric="completion_rate",
                max_drop=0.05,
            )
            fixed_hit |= bool(
                verdict.drop and verdict.drop > 0.05 and verdict.p and verdict.p < 0.05
            )
            if verdict.worse:
                rolled_back += 1
                break
        fixed_would_have += fixed_hit
    assert rolled_back / 200 <= 0.05
    assert fixed_would_have / 200 > 3 * max(rolled_back, 1) / 200
