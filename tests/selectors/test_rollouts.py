"""Reads of rollouts: one by id with its events, a channel's, and where the current
step stands (both arms from one aggregate query)."""

import pytest
from django.utils import timezone

from agents.domain.exceptions import UnknownReference
from agents.selectors import rollouts
from agents.services import channels, conversations, releases
from agents.services import rollouts as rollouts_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolling(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    started = rollouts_services.start_rollout(
        channel=line, candidate=v2, user=user, steps=[50, 100], min_conversations=5, min_minutes=0
    )
    return line, started


def test_a_rollout_is_found_with_its_events_and_listed_on_its_channel(rolling):
    line, started = rolling
    found = rollouts.rollout(started.public_id)
    assert found == started
    assert [event.kind for event in rollouts.events_of(found)][:1] == ["started"]
    assert list(rollouts.channel_rollouts(line)) == [started]
    with pytest.raises(UnknownReference):
        rollouts.rollout("ro_nothinghere")


def test_progress_counts_each_arms_ended_calls_in_one_query(
    rolling, user, django_assert_max_num_queries
):
    line, started = rolling
    for i in range(20):
        line.refresh_from_db()
        call, _ = channels.start_conversation_on_channel(channel=line, user=user, key=f"c{i}")
        conversations.end_conversation(conversation=call, user=user, outcome="completed")
    found = rollouts.rollout(started.public_id)
    with django_assert_max_num_queries(1):
        baseline, candidate = rollouts.step_arms(found)
    assert baseline.total + candidate.total == 20
    view = rollouts.progress(found, now=timezone.now())
    assert [arm.side for arm in view.arms] == ["baseline", "candidate"]
    assert view.conversations == min(baseline.total, candidate.total)
    assert not view.verdict.worse  # every call completed on both arms
