"""The gate's reads: which channels follow which labels, which versions are cleared for
production, and how many approvals a move needs."""

import pytest

from agents.selectors import gate
from agents.services import agents, channels, releases
from agents.services import labels as labels_services

pytestmark = pytest.mark.django_db


def test_a_label_a_channel_follows_has_followers(agent, make_version, user):
    v1 = make_version(agent)
    labels_services.move_label(agent=agent, name="beta", version=v1, user=user)
    channels.create_channel(
        user=user, name="Beta line", kind="phone", agent=agent, target={"label": "beta"}
    )
    assert gate.followers_of_labels(agent) == {"beta": ["Beta line"]}
    assert gate.label_followers(agent, "beta") == ["Beta line"]
    assert gate.label_followers(agent, "released") == []


def test_a_version_that_served_is_cleared_and_one_that_never_did_is_not(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    agent.refresh_from_db()
    assert gate.cleared_versions(agent) == {v1.pk}
    assert gate.served_before(agent, v1)
    assert not gate.served_before(agent, v2)


def test_approvals_follow_the_agents_rule(agent, user):
    assert gate.approvals_required(agent) == 0
    agents.update_agent(agent=agent, user=user, approvals_required=2)
    agent.refresh_from_db()
    assert gate.approvals_required(agent) == 2
