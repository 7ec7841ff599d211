"""The metrics kept per day follow every conversation through the services (start,
end, a judge's score) and always equal what the conversations themselves give;
rebuilding them changes nothing; concurrent writers lose no count."""

import random
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import LatencyDay, MetricDay, ScoreDay
from agents.selectors import metrics as metrics_selectors
from agents.services import conversations, judges, metrics, playground, releases

pytestmark = pytest.mark.django_db

TURNS = [
    {"role": "user", "content": "Can I book Tuesday?"},
    {"role": "assistant", "content": "Certainly, please hold.", "latency_ms": 640},
]


def days_of(agent):
    """Every day row of the agent, as comparable values."""
    return {
        model.__name__: sorted(
            tuple(
                sorted(
                    (k, round(v, 6) if isinstance(v, float) else v)
                    for k, v in row.items()
                    if k != "id"
                )
            )
            for row in model.objects.filter(agent=agent).values()
            if any(v for k, v in row.items() if k not in {"id", "agent_id", "version_key", "day"})
        )
        for model in (MetricDay, LatencyDay, ScoreDay)
    }


def close(a, b):
    if isinstance(a, float | int) and isinstance(b, float | int):
        return b == pytest.approx(a, rel=1e-9)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


def same(a, b):
    """Two VersionMetrics agree (numbers to 1e-9 relative)."""
    for name, value in asdict(a).items():
        assert close(value, asdict(b)[name]), (name, value, asdict(b)[name])


def test_the_days_follow_every_conversation_through_the_services(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    judges.create_judge(
        agent=agent, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    rng = random.Random(3)
    for i in range(60):
        ref = f"{agent.public_id}@{rng.choice(['v1', 'v2', 'draft'])}"
        started, _ = conversations.start_conversation(
            ref=ref, user=user, channel_ref=rng.choice(["", "ch_a"])
        )
        if i % 7 == 0:
            continue  # still going
        signals = {
            "latency_ms": round(rng.lognormvariate(6.6, 0.4), 1) if i % 5 else None,
            "satisfaction": rng.randint(1, 5) if i % 3 else None,
            "cost": round(rng.random() / 20, 4),
            "scores": {"booked": float(i % 2)} if i % 4 == 0 else None,
            "turns": TURNS if i % 2 else None,
        }
        conversations.end_conversation(
            conversation=started,
            user=user,
            outcome=rng.choice(["completed", "transferred", "failed", "abandoned"]),
            duration_s=rng.random() * 300,
            sentiment=rng.random() * 2 - 1,
            automated=rng.choice([True, False, None]),
            **signals,
        )
    playground.start_playground(agent=agent, target="draft", user=user)  # not counted
    assert judges.run_due_judgements()  # scores added after the end
    scope = metrics_selectors.Scope(agent)
    kept = metrics_selectors.version_metrics(scope)
    direct = metrics_selectors.metrics_of(scope.rows())
    assert [m.version for m in kept] == [v2.number, v1.number, "draft"]
    assert sum(m.conversations for m in kept) == 60
    for a, b in zip(kept, direct, strict=True):
        same(b, a)
    before = days_of(agent)
    metrics.rebuild([agent.pk])
    assert days_of(agent) == before


def test_the_playground_is_left_out(agent, user):
    conversation, _ = conversations.start_conversation(
        ref=f"{agent.public_id}@draft", user=user, playground=True
    )
    conversations.end_conversation(
        conversation=conversation, user=user, outcome="completed", latency_ms=5
    )
    assert not MetricDay.objects.exists()
    assert not LatencyDay.objects.exists()
    assert metrics_selectors.version_metrics(metrics_selectors.Scope(agent)) == []


def test_a_conversation_counts_on_the_day_it_started(agent, make_version, user):
    v1 = make_version(agent)
    yesterday = timezone.now() - timedelta(days=1)
    started, _ = conversations.start_conversation(
        ref=f"{agent.public_id}@v1", user=user, offline_since=yesterday
    )
    conversations.end_conversation(conversation=started, user=user, outcome="completed")
    (day,) = MetricDay.objects.filter(agent=agent, version_key=v1.pk)
    assert (day.day, day.conversations, day.ended, day.completed) == (yesterday.date(), 1, 1, 1)


def test_rebuild_of_no_agent_writes_nothing():
    assert metrics.rebuild([]) == 0


@pytest.mark.postgres
def test_concurrent_ends_lose_no_count(transactional_db, agent, make_version, user):
    from tests.services.test_base_concurrency import run_at_once

    make_version(agent)
    started = [
        conversations.start_conversation(ref=f"{agent.public_id}@v1", user=user)[0]
        for _ in range(12)
    ]

    def work(i):
        return conversations.end_conversation(
            conversation=started[i],
            user=user,
            outcome="completed",
            latency_ms=100.0 + i,
            scores={"polite": 0.5},
        )

    done, errors = run_at_once(work)
    assert not errors
    assert len(done) == 12
    (day,) = MetricDay.objects.filter(agent=agent)
    assert (day.conversations, day.ended, day.completed, day.latency_n) == (12, 12, 12, 12)
    assert day.latency_sum == pytest.approx(sum(100.0 + i for i in range(12)))
    assert sum(LatencyDay.objects.filter(agent=agent).values_list("n", flat=True)) == 12
    assert ScoreDay.objects.get(agent=agent, name="polite").n == 12
