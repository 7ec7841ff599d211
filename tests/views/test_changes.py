"""The agent and channel pages show, live, what the stream pushed and who listens."""

import pytest
from django.utils import timezone

from agents.models import StreamNode
from agents.services import channels, labels, releases

pytestmark = pytest.mark.django_db


def status(client, **query):
    response = client.get("/changes/pushed/", query, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def report(name, listening, pushed, seen_at=None):
    StreamNode.objects.create(
        name=name, listening=listening, pushed=pushed, seen_at=seen_at or timezone.now()
    )


def test_the_latest_change_and_its_reach_summed_over_live_nodes(
    operator_client, agent, make_version, user
):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)  # seq 1
    releases.release_version(version=v2, user=user)  # seq 2
    report("a:1", {"*": 1, agent.public_id: 2}, {"1": 3, "2": 2})
    report("b:2", {agent.public_id: 1, "ag_other": 4}, {"2": 1})
    report("gone:3", {"*": 9}, {"2": 9}, seen_at=timezone.now() - timezone.timedelta(minutes=5))
    html = status(operator_client, agent=agent.public_id)
    assert "v2 released" in html
    assert 'data-testid="pushed-count">3<' in html
    assert "4 listening on the stream now" in html
    assert 'hx-trigger="every 5s"' in html


def test_a_channel_shows_its_own_changes_and_its_agents(operator_client, agent, make_version, user):
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    assert "routing updated" in status(operator_client, channel=line.public_id)
    labels.move_label(agent=agent, name="staging", version=make_version(agent), user=user)
    html = status(operator_client, channel=line.public_id)
    assert "staging → v1" in html  # its agent's changes reach its subscribers too
    assert "0 listening" in html


def test_nothing_pushed_yet_says_only_who_listens(operator_client, agent):
    html = status(operator_client, agent=agent.public_id)
    assert "pushed to" not in html
    assert "0 listening on the stream now" in html


def test_the_pages_load_it_after_they_render(operator_client, agent, user):
    page = operator_client.get(f"/agents/{agent.public_id}/").content.decode()
    assert 'hx-trigger="load, every 5s"' in page
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    assert (
        'data-testid="pushed"'
        in operator_client.get(f"/channels/{line.public_id}/").content.decode()
    )


def test_an_unknown_agent_or_channel_is_a_404(operator_client):
    assert operator_client.get("/changes/pushed/", {"agent": "ag_nope"}).status_code == 404
    assert operator_client.get("/changes/pushed/", {"channel": "ch_nope"}).status_code == 404
    assert operator_client.get("/changes/pushed/").status_code == 404
