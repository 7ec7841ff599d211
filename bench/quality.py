"""Metrics per version and two versions compared, for an agent with 1,000,000
conversations (targets on PostgreSQL: metrics ≤ 200 ms and ≤ 1.5 times the time for an
agent with 10,000; compare ≤ 300 ms).

The conversations are those of bench/rollouts.py's lines (one INSERT … SELECT over
a generated series: two versions, latency, a 1 to 5 rating, a cost and a score on
every one), so the two benchmarks share how the data looks.
"""

from __future__ import annotations

from bench import harness
from bench.rollouts import _line

METRICS_MS, COMPARE_MS, SCALING = 200.0, 300.0, 1.5


def run(rounds: int = 10) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agents.selectors import metrics, verdicts

    user = harness.superuser("bench-quality")
    small, large, built = harness.small_and_large(
        _line, user, ("Small quality line", 10_000), ("Large quality line", 1_000_000)
    )
    small_agent, large_agent = small.channel.agent, large.channel.agent
    with CaptureQueriesContext(connection) as captured:
        found = metrics.version_metrics(metrics.Scope(large_agent))
    assert sum(m.conversations for m in found) == 1_000_000, found
    cases = {
        "metrics 10k": lambda: metrics.version_metrics(metrics.Scope(small_agent)),
        "metrics 1M": lambda: metrics.version_metrics(metrics.Scope(large_agent)),
        "compare 1M": lambda: verdicts.compare(large_agent, "v1", "v2"),
    }
    samples = harness.interleaved(cases, rounds=rounds)
    few, many, compared = (harness.median_ms(samples[name]) for name in cases)
    ok = many <= METRICS_MS and many <= SCALING * few and compared <= COMPARE_MS
    rows = [
        ("metrics per version, 10,000 conversations, median", f"{few:.1f} ms"),
        ("metrics per version, 1,000,000 conversations, median", f"{many:.1f} ms"),
        (f"… target ≤ {METRICS_MS:.0f} ms", "met" if many <= METRICS_MS else "MISSED"),
        (f"… ratio 1,000,000 / 10,000 (target ≤ {SCALING})", f"{many / few:.1f}"),
        ("compare v1 and v2, 1,000,000 conversations, median", f"{compared:.1f} ms"),
        (f"… target ≤ {COMPARE_MS:.0f} ms", "met" if compared <= COMPARE_MS else "MISSED"),
        ("queries for the metrics (one per family)", str(len(captured))),
        ("building 1,010,000 conversations", f"{built:.0f} s"),
    ]
    return {"name": "quality metrics, 1,000,000 conversations", "rows": rows, "ok": ok}
