"""`GET /agents/{id}/metrics` and `/metrics/compare`: what callers felt, per version,
and two versions side by side with a verdict per metric."""

import random

import pytest

from agents.services import releases
from tests.helpers import ended, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduler(agent, make_version, user):
    """v1 released; v2 completes as often but answers slower and is liked less."""
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    rng = random.Random(3)
    for version, latency, liked in ((v1, 800, 4), (v2, 1250, 3)):
        ended(
            version,
            [
                {
                    "outcome": "completed" if i % 5 else "abandoned",
                    "latency_ms": rng.lognormvariate(0, 0.2) * latency,
                    "satisfaction": liked + (i % 3 == 0) - (i % 7 == 0),
                    "cost": 0.02 + 0.001 * (i % 4),
                    "scores": {"polite": 0.9 if version == v1 else 0.6},
                }
                for i in range(120)
            ],
        )
    return agent, v1, v2


def test_metrics_per_version(api, scheduler):
    agent, _v1, _v2 = scheduler
    body = api.get(f"/agents/{agent.public_id}/metrics").json()
    rows = {row["version"]: row for row in body["data"]}
    assert set(rows) == {1, 2}
    one = rows[1]
    assert (one["conversations"], one["ended"]) == (120, 120)
    assert one["completion_rate"]["value"] == pytest.approx(96 / 120)
    assert one["completion_rate"]["low"] < 0.8 < one["completion_rate"]["high"]
    assert 600 < one["latency_ms"]["p50"] < 1000
    assert one["latency_ms"]["n"] == 120
    assert one["satisfaction"]["low"] < one["satisfaction"]["mean"] < one["satisfaction"]["high"]
    assert one["cost"]["total"] == pytest.approx(sum(0.02 + 0.001 * (i % 4) for i in range(120)))
    assert one["scores"] == {"polite": {"mean": pytest.approx(0.9), "n": 120}}
    only = api.get(f"/agents/{agent.public_id}/metrics?version=released").json()["data"]
    assert [row["version"] for row in only] == [1]
    both = api.get(f"/agents/{agent.public_id}/metrics?version=v1&version=released&version=2")
    assert sorted(row["version"] for row in both.json()["data"]) == [1, 2]


def test_the_comparison_says_what_differs_and_how_sure(api, scheduler):
    agent, _, _ = scheduler
    body = api.get(f"/agents/{agent.public_id}/metrics/compare?baseline=v1&candidate=v2").json()
    assert (body["baseline"], body["candidate"]) == (1, 2)
    verdicts = {row["metric"]: row for row in body["metrics"]}
    assert verdicts["completion_rate"]["verdict"] == "no_difference"
    latency = verdicts["latency_ms"]
    assert latency["verdict"] == "worse"
    assert latency["p"] < 0.001
    assert latency["delta"] > 300
    assert latency["sentence"].startswith("v2 answers")
    assert "slower at p95 (p < 0.001)" in latency["sentence"]
    assert verdicts["satisfaction"]["verdict"] == "worse"
    assert verdicts["cost"]["verdict"] == "no_difference"
    assert verdicts["score:polite"]["verdict"] == "worse"


def test_fewer_than_thirty_a_side_is_too_few(api, agent, make_version):
    v1, v2 = make_version(agent), make_version(agent)
    ended(v1, [{"latency_ms": 100.0}] * 29)
    ended(v2, [{"latency_ms": 900.0}] * 40)
    body = api.get(f"/agents/{agent.public_id}/metrics/compare?baseline=1&candidate=2").json()
    latency = next(row for row in body["metrics"] if row["metric"] == "latency_ms")
    assert (latency["verdict"], latency["p"]) == ("too_few", None)


def test_bad_filters_are_refused(api, scheduler):
    agent, _, _ = scheduler
    base = f"/agents/{agent.public_id}/metrics"
    error(api.get(f"{base}?version=r3"), 422, "validation_error")
    error(api.get(f"{base}?version=draft:tone"), 422, "validation_error")
    error(api.get(f"{base}?version=v9"), 404, "not_found")
    error(api.get(f"{base}?colour=red"), 422, "validation_error")
    error(api.get(f"{base}?since=2026-05-02&until=2026-05-01"), 422, "validation_error")
    error(api.get(f"{base}/compare?baseline=v1"), 422, "validation_error")
    error(api.get(f"{base}/compare?baseline=v1&candidate=nope"), 404, "not_found")
    error(api.get("/agents/ag_nothing/metrics"), 404, "not_found")
