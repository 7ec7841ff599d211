"""Latency kept as a histogram of fine buckets on a log scale, and percentiles read
back from it (selectors/metrics, when a scope holds too many latencies to sort).

Bucket k holds the latencies whose ln(1 + ms) lies in [k / PER_E, (k + 1) / PER_E):
each bucket is 1/120 of e wide, so its upper edge is 0.84% above its lower one.
A percentile follows `percentile_cont`'s definition (position h = p · (n - 1) among
the sorted values, interpolated between neighbours), with the values of a bucket
taken as spread evenly across it in log space; it lands in the bucket that holds
the exact answer, so it is never off by more than that bucket's width (0.84%), and
by much less when a bucket holds many values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

PER_E = 120


def log_latency(ms: float) -> float:
    """ln(ms + 1), computed as the database computes `LN(ms + 1.0)` (the same libm
    `log` of the same sum), so sums and buckets rebuilt in SQL match those kept here."""
    return math.log(ms + 1.0)


def bucket(ms: float) -> int:
    """The bucket of a latency: floor(ln(ms + 1) · PER_E)."""
    return math.floor(log_latency(ms) * PER_E)


def edge(k: float) -> float:
    """The latency at position k on the bucket scale (k = 3: bucket 3's lower edge)."""
    return math.exp(k / PER_E) - 1.0


def coarse(k: int, per_e: int) -> int:
    """The bucket of a coarser scale (`per_e` buckets per e, dividing PER_E) that
    fine bucket k falls in."""
    if PER_E % per_e:
        raise ValueError(f"{per_e} buckets per e do not divide {PER_E}")
    return k // (PER_E // per_e)


def percentile(counts: Mapping[int, int], p: float) -> float | None:
    """The p-th percentile (0 ≤ p ≤ 1) of the latencies counted in `counts`
    ({bucket: how many}), None when there are none."""
    n = sum(c for c in counts.values() if c > 0)
    if not n:
        return None
    h = p * (n - 1)
    low = math.floor(h)
    return _value(counts, low, n) * (1 - (h - low)) + _value(counts, min(low + 1, n - 1), n) * (
        h - low
    )


def _value(counts: Mapping[int, int], rank: int, n: int) -> float:
    """The value of rank `rank` (0-based, in order): the c values of a bucket sit at
    the middles of c equal slices of it, in log space."""
    seen = 0
    for k in sorted(counts):
        c = counts[k]
        if c <= 0:
            continue
        if rank < seen + c:
            return edge(k + (rank - seen + 0.5) / c)
        seen += c
    raise ValueError(f"rank {rank} of {n}")  # pragma: no cover - callers stay in range
