"""The rules behind every verdict, on worked numbers."""

import math
import statistics

import pytest

from agents.domain import metrics, stats

# Welch's t-test, Wikipedia's first worked example (t = 2.46, df = 24.99, p = 0.021).
A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]


def sample(values):
    return metrics.Sample(len(values), statistics.mean(values), statistics.variance(values))


def test_student_t_matches_the_tables():
    assert metrics.t_two_sided_p(2.0, 10) == pytest.approx(0.07339, abs=1e-5)
    assert metrics.t_two_sided_p(0.0, 5) == pytest.approx(1.0)
    assert metrics.t_quantile(0.975, 10) == pytest.approx(2.228, abs=1e-3)
    assert metrics.t_quantile(0.975, 29) == pytest.approx(2.045, abs=1e-3)


def test_welch_on_the_worked_example():
    test = metrics.welch(sample(A1), sample(A2))
    assert test.t == pytest.approx(2.46, abs=0.01)
    assert test.df == pytest.approx(24.99, abs=0.01)
    assert test.p == pytest.approx(0.021, abs=0.001)


def test_identical_samples_have_no_difference():
    same = metrics.Sample(40, 3.0, 0.0)
    assert metrics.welch(same, same).p == 1.0
    assert metrics.compare_means("satisfaction", same, same, "v2").verdict == "no_difference"


def test_a_mean_interval_is_a_t_interval():
    low, high = metrics.mean_interval(metrics.Sample(30, 4.0, 1.0))
    margin = 2.045 / math.sqrt(30)
    assert (low, high) == (pytest.approx(4 - margin, abs=1e-3), pytest.approx(4 + margin, abs=1e-3))
    assert metrics.mean_interval(metrics.Sample(1, 4.0, None)) is None


def test_satisfaction_lower_is_worse_cost_higher_is_worse():
    low = metrics.Sample(100, 3.6, 0.8)
    high = metrics.Sample(100, 4.1, 0.8)
    assert metrics.compare_means("satisfaction", high, low, "v2").verdict == "worse"
    assert metrics.compare_means("satisfaction", low, high, "v2").verdict == "better"
    cheap, dear = metrics.Sample(100, 0.02, 1e-5), metrics.Sample(100, 0.04, 1e-5)
    compared = metrics.compare_means("cost", cheap, dear, "v2", "$")
    assert compared.verdict == "worse"
    assert compared.p < 0.001
    assert compared.sentence == "v2 has a mean cost $0.0200 higher ($0.0400 vs $0.0200, p < 0.001)"


def test_latency_is_judged_on_logs_and_told_at_p95():
    base = metrics.Sample(200, math.log1p(800), 0.04)
    slow = metrics.Sample(200, math.log1p(1200), 0.04)
    compared = metrics.compare_latency(base, slow, 1100.0, 1520.0, "v4")
    assert compared.verdict == "worse"
    assert compared.delta == 420.0
    assert compared.sentence == "v4 answers 420 ms slower at p95 (p < 0.001)"


def test_proportions_two_sided():
    compared = metrics.compare_proportions(
        "completion_rate", stats.Arm(80, 100), stats.Arm(60, 100), "v2"
    )
    # pooled 0.7, se = sqrt(0.21 * 0.02) = 0.0648, z = 3.086, two-sided p = 0.0020
    assert compared.p == pytest.approx(0.0020, abs=1e-4)
    assert compared.verdict == "worse"
    assert "20.0 points lower" in compared.sentence


def test_fewer_than_thirty_a_side_is_too_few():
    few = metrics.Sample(29, 4.0, 1.0)
    compared = metrics.compare_means("satisfaction", few, metrics.Sample(300, 2.0, 1.0), "v2")
    assert (compared.verdict, compared.p) == ("too_few", None)
    assert compared.sentence.startswith("Too few to judge satisfaction: 29 and 300")


def test_guards_parse_and_refuse():
    guards, problems = metrics.parse_guards(
        [
            {"metric": "latency_ms", "max_increase": 200},
            {"metric": "satisfaction", "max_drop": 0.2},
            {"metric": "score:polite", "max_drop": 0.1},
            {"metric": "failure_rate", "max_drop": 0.05},
        ]
    )
    assert problems == []
    assert next(g.as_dict() for g in guards) == {"metric": "latency_ms", "max_increase": 200.0}
    _, problems = metrics.parse_guards(
        [
            {"metric": "latency_ms", "max_drop": 200},
            {"metric": "speed", "max_drop": 0.1},
            {"metric": "completion_rate", "max_drop": 2},
            {"metric": "satisfaction", "max_drop": 0.2, "colour": "red"},
        ]
    )
    assert [p["path"] for p in problems] == [
        "guards.0.max_increase",
        "guards.1.metric",
        "guards.2.max_drop",
        "guards.3.colour",
    ]
    assert metrics.parse_guards([])[1][0]["path"] == "guards"


def test_a_latency_guard_needs_the_increase_and_the_evidence():
    guard = metrics.Guard("latency_ms", 200.0)
    base = metrics.Sample(300, math.log1p(800), 0.04)
    slower = metrics.Sample(300, math.log1p(1200), 0.04)
    verdict = metrics.check_mean_guard(guard, base, slower)
    assert verdict.worse
    assert verdict.p < 0.05
    assert verdict.reason.startswith("latency 1,200 ms vs 800 ms (geometric mean): worse by 400 ms")
    within = metrics.check_mean_guard(guard, base, metrics.Sample(300, math.log1p(900), 0.04))
    assert not within.worse
    assert "within the allowed 200 ms" in within.reason
    few = metrics.check_mean_guard(guard, base, metrics.Sample(10, math.log1p(5000), 0.04))
    assert not few.worse
    assert not few.judged


def test_an_equal_candidate_is_seldom_rolled_back_however_often_it_is_checked():
    """The sequential p keeps false alarms under 5% when checked after every call."""
    import random

    rng = random.Random(11)
    guard = metrics.Guard("satisfaction", 0.0)
    alarms = 0
    for _ in range(100):
        a, b = [], []
        for _ in range(300):
            a.append(rng.gauss(4, 1))
            b.append(rng.gauss(4, 1))
            if len(a) >= 30 and metrics.check_mean_guard(guard, sample(a), sample(b)).worse:
                alarms += 1
                break
    assert alarms <= 8
