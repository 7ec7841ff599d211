"""Channels: created and rerouted through the gate, every routing problem named, and
callers bound through the channel's target or their sticky variant."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.services import channels, releases

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    return v1, v2


def test_a_channel_serves_its_target_and_keeps_a_caller_on_one_variant(agent, two, user):
    line = channels.create_channel(
        user=user,
        name="Main line",
        kind="phone",
        agent=agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )
    first, _ = channels.start_conversation_on_channel(channel=line, user=user, key="caller-7")
    for _ in range(5):
        again, _ = channels.start_conversation_on_channel(channel=line, user=user, key="caller-7")
        assert again.variant == first.variant  # sticky
    assert first.channel_ref == line.public_id


def test_every_routing_problem_is_named_and_nothing_is_written(agent, two, user):
    with pytest.raises(InvalidInput) as refused:
        channels.create_channel(
            user=user,
            name="",
            kind="pigeon",
            agent=agent,
            variants=[{"target": "released", "weight": 50}, {"target": "released", "weight": 40}],
        )
    paths = {problem["path"] for problem in refused.value.errors}
    assert {"name", "kind", "variants"} <= paths
    assert not agent.channels.exists()


def test_rerouting_is_recorded_in_the_channels_history(agent, two, user):
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    channels.update_channel(channel=line, user=user, target={"version": 1})
    line.refresh_from_db()
    assert line.target == {"version": 1}
    assert line.history.count() == 2
