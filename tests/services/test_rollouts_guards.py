"""Guards on any metric: a rollout rolled back by its latency guard and by a judge's
score, with an alert naming the metric and the numbers."""

import random

import pytest

from agents.domain.exceptions import InvalidInput
from agents.models import Alert, Rollout
from agents.services import channels, conversations, releases, rollouts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_end_evaluates(settings):
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0


@pytest.fixture
def line(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    return channel, v2


def calls(channel, user, count, signals, commits):
    """`count` callers on the channel; `signals(arm, rng)` gives each end's fields."""
    rng = random.Random(5)
    for i in range(count):
        channel.refresh_from_db()
        conversation, _ = channels.start_conversation_on_channel(
            channel=channel, user=user, key=f"caller-{i}"
        )
        arm = conversation.variant or "released"
        with commits(execute=True):
            conversations.end_conversation(
                conversation=conversation, user=user, outcome="completed", **signals(arm, rng)
            )


def start(channel, v2, user, guards):
    return rollouts.start_rollout(
        channel=channel,
        candidate=v2,
        user=user,
        steps=[50, 100],
        min_conversations=500,
        min_minutes=0,
        guards=guards,
    )


def test_a_slower_candidate_is_rolled_back_by_its_latency_guard(
    line, user, django_capture_on_commit_callbacks
):
    channel, v2 = line
    rollout = start(
        channel,
        v2,
        user,
        [
            {"metric": "completion_rate", "max_drop": 0.05},
            {"metric": "latency_ms", "max_increase": 150},
        ],
    )
    assert rollout.guards[1] == {"metric": "latency_ms", "max_increase": 150.0}

    def slower(arm, rng):
        base = 1300 if arm == "v2" else 800
        return {"latency_ms": base * rng.lognormvariate(0, 0.2)}

    calls(channel, user, 160, slower, django_capture_on_commit_callbacks)
    rollout.refresh_from_db()
    assert rollout.status == Rollout.Status.ROLLED_BACK
    alert = Alert.objects.get(rollout=rollout)
    assert alert.metric == "latency_ms"
    assert "latency" in alert.detail
    assert "ms (geometric mean): worse by" in alert.detail


def test_a_candidate_a_judge_scores_lower_is_rolled_back(
    line, user, django_capture_on_commit_callbacks
):
    channel, v2 = line
    rollout = start(channel, v2, user, [{"metric": "score:polite", "max_drop": 0.05}])
    assert rollout.metric == "completion_rate"  # the chart's rate; not a guard

    def ruder(arm, rng):
        return {"scores": {"polite": min(1, max(0, rng.gauss(0.6 if arm == "v2" else 0.9, 0.1)))}}

    calls(channel, user, 160, ruder, django_capture_on_commit_callbacks)
    rollout.refresh_from_db()
    assert rollout.status == Rollout.Status.ROLLED_BACK
    assert Alert.objects.get(rollout=rollout).metric == "score:polite"


def test_an_equal_candidate_keeps_running(line, user, django_capture_on_commit_callbacks):
    channel, v2 = line
    rollout = start(channel, v2, user, [{"metric": "latency_ms", "max_increase": 100}])

    def same(arm, rng):
        return {"latency_ms": 800 * rng.lognormvariate(0, 0.1), "satisfaction": 4}

    calls(channel, user, 120, same, django_capture_on_commit_callbacks)
    rollout.refresh_from_db()
    why = list(rollout.events.values_list("kind", "detail"))
    assert rollout.status == Rollout.Status.RUNNING, why


def test_bad_guards_are_refused_with_their_paths(line, user):
    channel, v2 = line
    with pytest.raises(InvalidInput) as refused:
        start(channel, v2, user, [{"metric": "latency_ms", "max_drop": 100}, {"metric": "mood"}])
    assert [e["path"] for e in refused.value.errors] == ["guards.0.max_increase", "guards.1.metric"]
    assert not Rollout.objects.exists()
