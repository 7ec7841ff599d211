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
# "Worse" is lower for completion and automation rates, higher for transfer and
# failure rates. Both conditions are needed: a large drop on a handful of calls is
# noise, and a significant drop of half a point on a million calls is not worth
# rolling back for.

METRICS = ("completion_rate", "automation_rate", "transfer_rate", "failure_rate")
HIGHER_IS_WORSE = frozenset({"transfer_rate", "failure_rate"})
ALPHA = 0.05


def one_sided_p(z: float) -> float:
    """P(Z ≥ z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


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
    p: float | None
    reason: str


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
    pooled = (baseline.hits + candidate.hits) / (baseline.total + candidate.total)
    se = math.sqrt(pooled * (1 - pooled) * (1 / baseline.total + 1 / candidate.total))
    if se == 0:
        return Verdict(False, drop, None, None, "both sides have identical outcomes")
    z = drop / se
    p = one_sided_p(z)
    shown = f"{metric.replace('_', ' ')} {candidate.rate:.1%} vs {baseline.rate:.1%}"
    if drop <= max_drop:
        return Verdict(False, drop, z, p, f"{shown}: within the allowed drop of {max_drop:.1%}")
    if p >= alpha:
        return Verdict(False, drop, z, p, f"{shown}: not significant yet (p = {p:.3f})")
    return Verdict(True, drop, z, p, f"{shown}: worse by {drop:.1%} (p = {p:.2g})")
