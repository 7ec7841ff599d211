"""Reads of channels: listed with their routing in words, one by id, the agent a form
names, and what served a channel at a past moment."""

import pytest
from django.utils import timezone

from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.selectors import channels
from agents.services import channels as channels_services
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_channels_are_listed_with_their_routing_in_words(agent, make_version, user):
    v1 = make_version(agent)
    make_version(agent)  # v2, the split's second arm
    releases.release_version(version=v1, user=user)
    main = channels_services.create_channel(
        user=user,
        name="Main line",
        kind="phone",
        agent=agent,
        variants=[{"target": "released", "weight": 80}, {"target": {"version": 2}, "weight": 20}],
    )
    assert channels.channel_rows() == [(main, "Released 80% · v2 20%")]
    assert channels.channel(main.public_id) == main
    assert list(channels.channel_list(agent=agent.public_id)) == [main]
    assert list(channels.agent_channels(agent)) == [main]
    with pytest.raises(UnknownReference):
        channels.channel("ch_nothinghere")


def test_a_form_names_an_agent_that_exists_or_gets_the_path_of_its_problem(agent):
    assert channels.routable_agent(agent.public_id) == agent
    with pytest.raises(InvalidInput) as refused:
        channels.routable_agent("ag_aaaaaaaaaa", path="agent_id")
    assert refused.value.errors[0]["path"] == "agent_id"


def test_what_served_a_channel_then_is_read_from_its_history(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    line = channels_services.create_channel(user=user, name="Line", kind="phone", agent=agent)
    then = timezone.now()
    releases.release_version(version=v2, user=user)
    assert channels.channel_as_of(line, then)["serves"][0]["version"] == 1
    assert channels.channel_as_of(line, timezone.now())["serves"][0]["version"] == 2
    assert not channels.channel_as_of(line, line.created_at.replace(year=2000))["existed"]
