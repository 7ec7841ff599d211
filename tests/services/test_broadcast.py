"""The stream's fan-out: who hears what, a hub delivering in `seq` order once, the
counts the console shows, and announcements after commit."""

import pytest

from agents.models import StreamNode
from agents.services import broadcast, channels, labels, releases

pytestmark = pytest.mark.django_db


def event(**about):
    return {"seq": 1, "kind": "release", **about}


def test_an_interest_hears_its_agents_channels_prompts_and_a_channels_agent():
    everything = broadcast.Interest()
    assert everything.wants(event(agent="ag_a"))
    assert everything.agents_heard() == {"*"}
    some = broadcast.Interest(
        agents=frozenset({"ag_a"}),
        channels=frozenset({"ch_x"}),
        prompts=frozenset({"pr_p"}),
        channel_agents=frozenset({"ag_b"}),
    )
    assert some.wants(event(agent="ag_a"))
    assert some.wants(event(prompt="pr_p", agent="ag_z"))
    assert some.wants(event(channel="ch_x", agent="ag_b"))
    assert some.wants(event(agent="ag_b"))  # the line's agent released
    assert not some.wants(event(agent="ag_b", channel="ch_other"))  # another line of it
    assert not some.wants(event(agent="ag_z"))
    assert some.agents_heard() == {"ag_a", "ag_b"}


def test_a_subscriber_hears_its_own_workspaces_changes_only():
    ours = broadcast.Interest.of(workspaces=["ws_ours"])
    assert ours.wants(event(agent="ag_a", workspace="ws_ours"))
    assert not ours.wants(event(agent="ag_a", workspace="ws_theirs"))
    assert not broadcast.Interest.of(agents=["ag_a"], workspaces=["ws_ours"]).wants(
        event(agent="ag_a", workspace="ws_theirs")
    )
    assert broadcast.Interest.of().wants(
        event(agent="ag_a", workspace="ws_theirs")
    )  # a superuser's


def test_an_interest_in_a_channel_learns_its_agent(agent, user):
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    interest = broadcast.Interest.of(channels=[line.public_id])
    assert interest.channel_agents == {agent.public_id}


def test_the_hub_delivers_each_change_once_in_order_and_reports_the_counts(
    agent, make_version, make_agent, user
):
    hub = broadcast.hub()
    mine = hub.subscribe(broadcast.Interest.of(agents=[agent.public_id]))
    everyone = hub.subscribe(broadcast.Interest.of())
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
    releases.release_version(version=make_version(make_agent("Other")), user=user)
    assert hub.deliver() == 3
    assert hub.deliver() == 0  # nothing new: nothing handed twice
    assert [seq for seq, _ in mine.take()] == [1, 2]
    assert [seq for seq, _ in everyone.take()] == [1, 2, 3]
    assert hub.pushed == {"1": 2, "2": 2, "3": 1}
    hub.report()
    node = StreamNode.objects.get(name=hub.name)
    assert node.listening == {"*": 1, agent.public_id: 1}
    assert node.pushed == {"1": 2, "2": 2, "3": 1}
    hub.unsubscribe(mine)
    hub.report()
    assert StreamNode.objects.get(name=hub.name).listening == {"*": 1}


def test_a_change_is_announced_after_its_transaction_commits(
    agent, make_version, user, monkeypatch, django_capture_on_commit_callbacks
):
    heard = []
    monkeypatch.setattr(broadcast, "announce", heard.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        releases.release_version(version=make_version(agent), user=user)
    assert heard == []
    for callback in callbacks:
        callback()
    assert heard == [1]


def test_announcing_wakes_this_processs_hub(settings):
    settings.REDIS_URL = ""
    hub = broadcast.hub()
    broadcast.announce(7)
    assert hub.woken.is_set()
    assert broadcast.stream_mode() == "idle"
