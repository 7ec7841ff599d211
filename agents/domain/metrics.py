"""Every metric a version is judged on, and the rule that says whether two versions
differ on it (pure; API.md, "Quality signals").

Kinds of metric and the test behind each verdict:

- **Proportions** (`completion_rate`, `automation_rate`, `transfer_rate`,
  `failure_rate`): the two-proportion z-test of domain/stats, two-sided for a
  comparison; a rollout's guard keeps the one-sided sequential rule of
  domain/stats.compare_arms.
- **Means** (`satisfaction`, `cost`, `score:<name>`): Welch's t-test (unequal
  variances; Welch-Satterthwaite degrees of freedom; the p-value from Student's t).
- **Latency** (`latency_ms`): Welch's t-test on ln(1 + latency): latencies are
  skewed (a few very slow answers), their logarithm is near normal, and a
  difference of log means is a ratio of geometric means. The sentence reports the
  difference at p95, what callers notice.

A comparison needs MIN_PER_SIDE (30) observations on each side, else `too_few`;
with them, `better` or `worse` when p < ALPHA (0.05, two-sided), else
`no_difference`.

A guard (rollouts, regression alerts) checks as data arrives, so it uses the
always-valid sequential p-value of domain/stats.sequential_p on the same
statistic, one-sided towards "worse", with a mixture scale of twice the allowed
worsening; and "worse" also needs the worsening beyond what the guard allows
(`max_drop` for metrics where higher is better, `max_increase` where lower is).
For latency the allowed increase is in milliseconds over the baseline's
geometric mean, compared on the log scale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from agents.domain import stats

ALPHA = 0.05
MIN_PER_SIDE = 30
PROPORTIONS = stats.METRICS
SCORE = re.compile(r"^score:([a-z][a-z0-9_]{0,39})$")
LOWER_IS_BETTER = frozenset({"transfer_rate", "failure_rate", "latency_ms", "cost"})


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str  # "proportion" | "mean" | "latency"

    @property
    def lower_is_better(self) -> bool:
        return self.name in LOWER_IS_BETTER

    @property
    def title(self) -> str:
        if self.name.startswith("score:"):
            return f"score {self.name[6:]}"
        return self.name.replace("_ms", "").replace("_", " ")

    @property
    def guard_key(self) -> str:
        """How a guard says how much worse it allows: `max_increase` or `max_drop`."""
        return "max_increase" if self.lower_is_better else "max_drop"


def metric(name: str) -> Metric:
    """The metric called `name`; ValueError for any other."""
    if name in PROPORTIONS:
        return Metric(name, "proportion")
    if name == "latency_ms":
        return Metric(name, "latency")
    if name in ("satisfaction", "cost") or SCORE.match(name):
        return Metric(name, "mean")
    raise ValueError(f"unknown metric {name!r}: one of {', '.join(names())} or score:<name>")


def names() -> tuple[str, ...]:
    return (*PROPORTIONS, "latency_ms", "satisfaction", "cost")


# ------------------------------------------------------------------ summaries


@dataclass(frozen=True)
class Sample:
    """One side's observations of a mean-like metric, as the database aggregates them:
    how many, their mean and their sample variance (for latency: of ln(1 + ms))."""

    n: int
    mean: float | None
    variance: float | None

    @property
    def standard_error2(self) -> float:
        return (self.variance or 0.0) / self.n if self.n else math.inf


# ------------------------------------------------------------------ Student's t


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with `df` degrees of freedom."""
    if math.isinf(t):
        return 0.0
    return incomplete_beta(df / 2, 0.5, df / (df + t * t))


def t_quantile(probability: float, df: float) -> float:
    """The t with P(T ≤ t) = probability (> 0.5), by bisection on the CDF."""
    target = 2 * (1 - probability)  # the two-sided tail at that t
    low, high = 0.0, 1000.0
    for _ in range(200):
        mid = (low + high) / 2
        if t_two_sided_p(mid, df) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def mean_interval(sample: Sample) -> tuple[float, float] | None:
    """The 95% t-interval of a mean (None under two observations)."""
    if sample.n < 2 or sample.mean is None:
        return None
    margin = t_quantile(0.975, sample.n - 1) * math.sqrt(sample.standard_error2)
    return sample.mean - margin, sample.mean + margin


@dataclass(frozen=True)
class Welch:
    difference: float  # candidate - baseline
    se: float
    t: float
    df: float
    p: float  # two-sided


def welch(baseline: Sample, candidate: Sample) -> Welch:
    """Welch's t-test of candidate - baseline (both with n ≥ 2)."""
    vb, vc = baseline.standard_error2, candidate.standard_error2
    difference = candidate.mean - baseline.mean
    se2 = vb + vc
    if se2 == 0:
        t = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        return Welch(difference, 0.0, t, baseline.n + candidate.n - 2, 1.0 if t == 0 else 0.0)
    df = se2 * se2 / (vb * vb / (baseline.n - 1) + vc * vc / (candidate.n - 1) or 1e-300)
    t = difference / math.sqrt(se2)
    return Welch(difference, math.sqrt(se2), t, df, t_two_sided_p(t, df))


# ------------------------------------------------------------------ comparing


@dataclass(frozen=True)
class Comparison:
    metric: str
    delta: float | None  # candidate - baseline, in the metric's unit (latency: at p95)
    p: float | None
    verdict: str  # "better" | "worse" | "no_difference" | "too_few"
    sentence: str

    @property
    def verdict_title(self) -> str:
        return self.verdict.replace("_", " ").capitalize()


def _verdict(found: Metric, direction: float, p: float) -> str:
    if p >= ALPHA or direction == 0:
        return "no_difference"
    worse = direction > 0 if found.lower_is_better else direction < 0
    return "worse" if worse else "better"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def compare_proportions(name: str, baseline: stats.Arm, candidate: stats.Arm, label: str):
    found = metric(name)
    if min(baseline.total, candidate.total) < MIN_PER_SIDE:
        return _too_few(found, label, baseline.total, candidate.total)
    delta = candidate.rate - baseline.rate
    _pooled, se = stats.pooled_se(baseline, candidate)
    p = 1.0 if se == 0 else min(1.0, 2 * stats.one_sided_p(abs(delta) / se))
    verdict = _verdict(found, delta, p)
    where = "higher" if delta > 0 else "lower"
    sentence = (
        f"{label} has a {found.title} {abs(delta) * 100:.1f} points {where} "
        f"({candidate.rate:.1%} vs {baseline.rate:.1%}, {p_text(p)})"
    )
    return Comparison(name, delta, p, verdict, _plain(verdict, sentence, found, label, p))


def compare_means(name: str, baseline: Sample, candidate: Sample, label: str, unit: str = ""):
    found = metric(name)
    if min(baseline.n, candidate.n) < MIN_PER_SIDE:
        return _too_few(found, label, baseline.n, candidate.n)
    test = welch(baseline, candidate)
    verdict = _verdict(found, test.difference, test.p)
    where = "higher" if test.difference > 0 else "lower"
    shown = _amount(abs(test.difference), unit)
    sentence = (
        f"{label} has a mean {found.title} {shown} {where} "
        f"({_amount(candidate.mean, unit)} vs {_amount(baseline.mean, unit)}, {p_text(test.p)})"
    )
    return Comparison(
        name, test.difference, test.p, verdict, _plain(verdict, sentence, found, label, test.p)
    )


def compare_latency(
    baseline: Sample,
    candidate: Sample,
    baseline_p95: float | None,
    candidate_p95: float | None,
    label: str,
):
    """`baseline` and `candidate` summarise ln(1 + latency_ms)."""
    found = metric("latency_ms")
    if min(baseline.n, candidate.n) < MIN_PER_SIDE:
        return _too_few(found, label, baseline.n, candidate.n)
    test = welch(baseline, candidate)
    verdict = _verdict(found, test.difference, test.p)
    delta = None
    if baseline_p95 is not None and candidate_p95 is not None:
        delta = candidate_p95 - baseline_p95
    if delta is not None and (delta > 0) == (test.difference > 0):
        how = "slower" if delta > 0 else "faster"
        sentence = f"{label} answers {abs(delta):,.0f} ms {how} at p95 ({p_text(test.p)})"
    else:
        ratio = math.exp(test.difference)
        how = "slower" if ratio > 1 else "faster"
        sentence = (
            f"{label} answers {abs(ratio - 1):.0%} {how} in geometric mean ({p_text(test.p)})"
        )
    return Comparison(
        "latency_ms", delta, test.p, verdict, _plain(verdict, sentence, found, label, test.p)
    )


def _plain(verdict: str, sentence: str, found: Metric, label: str, p: float) -> str:
    if verdict == "no_difference":
        return f"No real difference in {found.title} ({p_text(p)})"
    return sentence


def _too_few(found: Metric, label: str, nb: int, nc: int) -> Comparison:
    return Comparison(
        found.name,
        None,
        None,
        "too_few",
        f"Too few to judge {found.title}: {nb} and {nc} (at least {MIN_PER_SIDE} a side)",
    )


def _amount(value: float, unit: str) -> str:
    if unit == "$":
        return f"${value:,.4f}"
    return f"{value:.2f}"


# ------------------------------------------------------------------ guards


@dataclass(frozen=True)
class Guard:
    metric: str
    allowed: float  # how much worse is tolerated, in the metric's unit

    def as_dict(self) -> dict:
        return {"metric": self.metric, metric(self.metric).guard_key: self.allowed}


def parse_guards(raw, *, path: str = "guards") -> tuple[list[Guard], list[dict[str, str]]]:
    """Guards as given ([{"metric", "max_drop"} | {"metric", "max_increase"}]), and the
    problems by path. A rate takes `max_drop` (its "worse", either way) as well."""
    problems: list[dict[str, str]] = []
    if not isinstance(raw, list) or not raw:
        return [], [{"path": path, "message": "a list of at least one guard"}]
    if len(raw) > 10:
        problems.append({"path": path, "message": "10 guards at most"})
    guards, seen = [], set()
    for i, entry in enumerate(raw):
        here = f"{path}.{i}"
        if not isinstance(entry, dict):
            problems.append({"path": here, "message": "an object {metric, max_drop|max_increase}"})
            continue
        try:
            found = metric(entry.get("metric") if isinstance(entry.get("metric"), str) else "")
        except ValueError as exc:
            problems.append({"path": f"{here}.metric", "message": str(exc)})
            continue
        given = [k for k in ("max_drop", "max_increase") if k in entry]
        unknown = set(entry) - {"metric", "max_drop", "max_increase"}
        accepted = {found.guard_key} | ({"max_drop"} if found.kind == "proportion" else set())
        if unknown:
            problems.append({"path": f"{here}.{sorted(unknown)[0]}", "message": "unknown field"})
        if len(given) != 1 or given[0] not in accepted:
            problems.append(
                {
                    "path": f"{here}.{found.guard_key}",
                    "message": f"{found.name} takes {found.guard_key}: how much worse it may get",
                }
            )
            continue
        value = entry[given[0]]
        limit = 1.0 if found.kind == "proportion" or found.name.startswith("score:") else None
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value < 0
            or (limit is not None and value > limit)
        ):
            span = "between 0 and 1" if limit else "a number, at least 0"
            problems.append({"path": f"{here}.{given[0]}", "message": span})
            continue
        if found.name in seen:
            problems.append({"path": f"{here}.metric", "message": "one guard per metric"})
        seen.add(found.name)
        guards.append(Guard(found.name, float(value)))
    return guards, problems


@dataclass(frozen=True)
class GuardVerdict:
    metric: str
    worse: bool
    worsening: float | None  # in the metric's unit (latency: ms of geometric mean)
    p: float | None  # the sequential p, the one that decides
    reason: str
    judged: bool  # enough data to judge


def check_mean_guard(
    guard: Guard, baseline: Sample, candidate: Sample, alpha: float = ALPHA
) -> GuardVerdict:
    """Whether `candidate` is worse than allowed on a mean or latency metric (the rule
    in the module's docstring). For latency, the samples summarise ln(1 + ms)."""
    found = metric(guard.metric)
    if min(baseline.n, candidate.n) < MIN_PER_SIDE or baseline.mean is None:
        return GuardVerdict(
            guard.metric,
            False,
            None,
            None,
            f"{found.title}: too few to judge yet ({baseline.n} and {candidate.n} "
            f"of {MIN_PER_SIDE} a side)",
            False,
        )
    test = welch(baseline, candidate)
    sign = 1 if found.lower_is_better else -1
    worsening_stat = sign * test.difference
    if found.kind == "latency":
        base_ms = math.expm1(baseline.mean)
        allowed_stat = math.log1p(base_ms + guard.allowed) - baseline.mean
        worsening = math.expm1(candidate.mean) - base_ms
        shown = (
            f"latency {math.expm1(candidate.mean):,.0f} ms vs {base_ms:,.0f} ms (geometric mean)"
        )
        amount = f"{abs(worsening):,.0f} ms"
        allowed_text = f"{guard.allowed:,.0f} ms"
    else:
        allowed_stat = guard.allowed
        worsening = worsening_stat
        unit = "$" if found.name == "cost" else ""
        shown = f"{found.title} {_amount(candidate.mean, unit)} vs {_amount(baseline.mean, unit)}"
        amount = _amount(abs(worsening), unit)
        allowed_text = _amount(guard.allowed, unit)
    if test.se == 0:
        p_seq = 0.0 if worsening_stat > 0 else 1.0
    else:
        scale = max(2 * allowed_stat, 0.05 * test.se, 1e-9)
        p_seq = stats.sequential_p(worsening_stat / test.se, test.se**2, scale)
    if worsening_stat <= 0:
        return GuardVerdict(guard.metric, False, worsening, p_seq, f"{shown}: no worse", True)
    if worsening_stat <= allowed_stat:
        return GuardVerdict(
            guard.metric,
            False,
            worsening,
            p_seq,
            f"{shown}: within the allowed {allowed_text}",
            True,
        )
    if p_seq >= alpha:
        return GuardVerdict(
            guard.metric,
            False,
            worsening,
            p_seq,
            f"{shown}: not significant yet (p = {p_seq:.3f})",
            True,
        )
    return GuardVerdict(
        guard.metric, True, worsening, p_seq, f"{shown}: worse by {amount} (p = {p_seq:.2g})", True
    )


def check_proportion_guard(guard: Guard, baseline: stats.Arm, candidate: stats.Arm) -> GuardVerdict:
    verdict = stats.compare_arms(baseline, candidate, metric=guard.metric, max_drop=guard.allowed)
    judged = verdict.z is not None and "too few" not in verdict.reason
    return GuardVerdict(
        guard.metric, verdict.worse, verdict.drop, verdict.p_seq, verdict.reason, judged
    )


def check_guard(guard: Guard, baseline, candidate) -> GuardVerdict:
    """A guard's verdict: `baseline` and `candidate` are Arms for a rate, Samples for
    a mean (ln(1 + ms) for latency)."""
    if metric(guard.metric).kind == "proportion":
        return check_proportion_guard(guard, baseline, candidate)
    return check_mean_guard(guard, baseline, candidate)
