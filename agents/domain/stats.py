"""Statistics on conversation outcomes (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass


def wilson_interval(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound for small samples too)."""
    if total == 0:
        return 0.0, 0.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


# ------------------------------------------------------------------ regressions
#
# The one rule gradual rollouts and regression alerts share (API.md, "Gradual
# rollouts"): a candidate is *worse* than its baseline on a metric when
#
#   1. its rate is worse than the baseline's by more than `max_drop` (an absolute
#      difference of proportions: 0.05 is five percentage points), and
#   2. a one-sided two-proportion z-test says so at p < 0.05: with the pooled
#      proportion p̂ = (x_b + x_c) / (n_b + n_c) and
#      se = sqrt(p̂ (1 - p̂) (1/n_b + 1/n_c)), z = drop / se and p = 1 - Φ(z).
#
# The z-test leans on the normal approximation, which only holds once each side
# expects at least MIN_EXPECTED hits and MIN_EXPECTED misses under the pooled rate
# (n · p̂ ≥ 5 and n · (1 - p̂) ≥ 5, the textbook condition); before that the rule
# does not judge. Without it, a rule that looks as each conversation ends would roll
# back on the first handful of calls (0 of 3 against 18 of 19 gives p = 0.001).
#
# Looking as each conversation ends also means looking thousands of times, and a
# fixed-sample p-value crosses 0.05 by chance sooner or later: simulated with the
# default rollout (steps 5/25/50/100, 200 conversations a side per step), an
# *equal* candidate at 80% would be rolled back 56% of the time. So the p that
# decides is the z-test's *sequential* (always-valid) p-value, from a mixture
# sequential probability ratio test on the same statistic (Johari, Pekelis and
# Walsh, "Always valid inference", 2017): with V = se² and a normal mixture of
# scale τ over the true drop,
#
#     Λ = sqrt(V / (V + τ²)) · exp(z² τ² / (2 (V + τ²))),   p_seq = min(1, 1/Λ),
#
# and the chance that p_seq ever falls below 0.05 for an equal candidate, however
# often it is looked at, is at most 0.05. τ = 2 · max_drop (at least 0.02): the
# test is keenest on drops about twice the allowed one. Simulated as above: equal
# candidates rolled back 3% of the time; 6-point drops 52%, 10-point drops 94%,
# 20-point drops 100%. The fixed-sample p is still reported beside it.
#
# "Worse" is lower for completion and automation rates, higher for transfer and
# failure rates. Both conditions are needed: a large drop on a handful of calls is
# noise, and a significant drop of half a point on a million calls is not worth
# rolling back for.

METRICS = ("completion_rate", "automation_rate", "transfer_rate", "failure_rate")

# A rollout's defaults, the same in the console's dialog, the API and the service.
DEFAULT_STEPS = (5, 25, 50, 100)
DEFAULT_MIN_CONVERSATIONS = 200
DEFAULT_MIN_MINUTES = 30
DEFAULT_METRIC = "completion_rate"
DEFAULT_MAX_DROP = 0.05
HIGHER_IS_WORSE = frozenset({"transfer_rate", "failure_rate"})
ALPHA = 0.05
MIN_EXPECTED = 5
MIN_MIXTURE_SCALE = 0.02


def one_sided_p(z: float) -> float:
    """P(Z ≥ z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def sequential_p(z: float, variance: float, scale: float) -> float:
    """The always-valid p-value of a normal statistic `z` whose estimate has `variance`,
    under a N(0, scale²) mixture (see above); 1 when the estimate points the other way."""
    if z <= 0:
        return 1.0
    tau2 = scale * scale
    log_ratio = 0.5 * math.log(variance / (variance + tau2)) + z * z * tau2 / (
        2 * (variance + tau2)
    )
    return 1.0 if log_ratio <= 0 else math.exp(-min(log_ratio, 700.0))


@dataclass(frozen=True)
class Arm:
    """One side's outcomes on a metric: `hits` of `total` conversations."""

    hits: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass(frozen=True)
class Verdict:
    worse: bool
    drop: float | None  # how much worse the candidate is (negative: better)
    z: float | None
    p: float | None  # the fixed-sample one-sided p
    reason: str
    p_seq: float | None = None  # the sequential p, the one that decides


def pooled_se(baseline: Arm, candidate: Arm) -> tuple[float, float]:
    """The pooled proportion and the standard error of the difference of two rates
    under it: the two-proportion z-test's statistic is the difference over it."""
    pooled = (baseline.hits + candidate.hits) / (baseline.total + candidate.total)
    se = math.sqrt(pooled * (1 - pooled) * (1 / baseline.total + 1 / candidate.total))
    return pooled, se


def compare_arms(
    baseline: Arm, candidate: Arm, *, metric: str, max_drop: float, alpha: float = ALPHA
) -> Verdict:
    """Whether `candidate` is worse than `baseline` on `metric` (the rule above)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    if not baseline.total or not candidate.total:
        return Verdict(False, None, None, None, "no ended conversations on one side yet")
    drop = (
        candidate.rate - baseline.rate
        if metric in HIGHER_IS_WORSE
        else (baseline.rate - candidate.rate)
    )
    pooled, se = pooled_se(baseline, candidate)
    if se == 0:
        return Verdict(False, drop, None, None, "both sides have identical outcomes")
    z = drop / se
    p = one_sided_p(z)
    p_seq = sequential_p(z, se * se, max(2 * max_drop, MIN_MIXTURE_SCALE))
    shown = f"{metric.replace('_', ' ')} {candidate.rate:.1%} vs {baseline.rate:.1%}"
    expected = min(baseline.total, candidate.total) * min(pooled, 1 - pooled)
    if expected < MIN_EXPECTED:
        return Verdict(False, drop, z, p, f"{shown}: too few conversations to judge yet", p_seq)
    if drop <= 0:
        return Verdict(False, drop, z, p, f"{shown}: no worse", p_seq)
    if drop <= max_drop:
        return Verdict(
            False, drop, z, p, f"{shown}: within the allowed drop of {points(max_drop)}", p_seq
        )
    if p_seq >= alpha:
        return Verdict(False, drop, z, p, f"{shown}: not significant yet (p = {p_seq:.3f})", p_seq)
    return Verdict(True, drop, z, p, f"{shown}: worse by {points(drop)} (p = {p_seq:.2g})", p_seq)


def points(difference: float) -> str:
    """A difference of two rates in percentage points: 0.249 -> "24.9 points"."""
    return f"{difference * 100:.1f} points"
