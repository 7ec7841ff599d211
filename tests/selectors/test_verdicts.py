"""Two versions compared on every metric: each side's figures as shown, a verdict per
metric by its kind's rule, and a version without conversations shown empty."""

import pytest

from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.selectors import verdicts
from tests.helpers import ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent, make_version):
    v1, v2 = make_version(agent), make_version(agent)
    ended(v1, [{"latency_ms": 800.0 + i, "satisfaction": 4, "cost": 0.02} for i in range(40)])
    ended(v2, [{"latency_ms": 1300.0 + i, "satisfaction": 4, "cost": 0.02} for i in range(40)])
    return agent, v1, v2


def test_every_metric_with_a_verdict(two):
    agent, _v1, _v2 = two
    compared = verdicts.compare(agent, "v1", "v2")
    rows = {row.metric: row for row in compared.rows}
    assert list(rows) == ["completion_rate", "latency_ms", "satisfaction", "cost"]
    assert rows["latency_ms"].comparison.verdict == "worse"
    assert rows["latency_ms"].baseline["p50"] == pytest.approx(819.5)
    assert rows["latency_ms"].candidate["n"] == 40
    assert rows["completion_rate"].baseline["value"] == 1.0
    assert rows["satisfaction"].comparison.verdict == "no_difference"
    assert "slower" in rows["latency_ms"].comparison.sentence
    assert rows["latency_ms"].title == "Latency"


def test_a_version_without_conversations_is_shown_empty(agent, make_version):
    make_version(agent)
    make_version(agent)
    compared = verdicts.compare(agent, "v1", "v2")
    assert (compared.baseline.version, compared.candidate.conversations) == (1, 0)
    assert {row.comparison.verdict for row in compared.rows} == {"too_few"}


def test_bad_references_are_refused(two):
    agent, _v1, _v2 = two
    with pytest.raises(InvalidInput):
        verdicts.compare(agent, "r3", "v2")
    with pytest.raises(UnknownReference):
        verdicts.compare(agent, "v1", "v9")
