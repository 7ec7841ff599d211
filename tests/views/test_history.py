"""The history panel: versions newest first, paging, channels per version, query counts."""

import pytest
from django.urls import reverse

from agents.models import PublishedVersion
from agents.services import channels, releases
from tests.helpers import HTMX, detail_url

pytestmark = pytest.mark.django_db


def test_the_history_panel_lists_versions_newest_first_with_actions(
    operator_client, agent, make_version, user
):
    _v1, v2 = make_version(agent, name="One"), make_version(agent, name="Two")
    releases.release_version(version=v2, user=user)
    html = operator_client.get(
        reverse("agents:history", args=[agent.public_id]), **HTMX
    ).content.decode()
    assert html.index("Two") < html.index("One")
    assert html.count(">Restore</a>") == 2
    # Not on the released one; on v1 its name says it is a rollback.
    assert html.count(">Release<") == 1
    assert 'Release<span class="visually-hidden"> (roll back to v1)</span>' in html
    assert ">Released</span>" in html
    assert "Draft" in html


def test_history_is_paginated_with_load_more(operator_client, agent, make_version):
    for _ in range(25):
        make_version(agent)
    html = operator_client.get(detail_url(agent)).content.decode()
    assert "Load more" in html
    assert 'id="version-6"' in html
    assert 'id="version-5"' not in html
    more = operator_client.get(
        reverse("agents:history-more", args=[agent.public_id]), {"page": 2}, **HTMX
    ).content.decode()
    assert 'id="version-5"' in more
    assert 'id="version-1"' in more
    assert "Load more" not in more


def test_the_agent_page_costs_the_same_queries_with_10_or_1000_versions(
    operator_client, agent, make_version, django_assert_max_num_queries, user
):
    for _ in range(10):
        make_version(agent)
    releases.release_version(version=agent.versions.first(), user=user)
    with django_assert_max_num_queries(20) as ten:
        operator_client.get(detail_url(agent))
    latest = agent.versions.order_by("-number").first()
    for number in range(latest.number + 1, 1001):
        PublishedVersion.objects.create(
            agent=agent,
            number=number,
            name=f"Bulk {number}",
            config=latest.config,
            content_hash=latest.content_hash,
            schema_version=1,
            created_by=user,
        )
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = operator_client.get(detail_url(agent))
    assert 'id="version-1000"' in response.content.decode()


def test_the_history_panel_says_which_channels_use_each_version(
    operator_client, agent, make_version, user
):
    v1, _v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channels.create_channel(name="Main line", kind="phone", agent=agent, user=user)
    channels.create_channel(
        name="AB widget",
        kind="web",
        agent=agent,
        user=user,
        variants=[{"target": "released", "weight": 80}, {"target": {"version": 2}, "weight": 20}],
    )
    html = operator_client.get(
        reverse("agents:history", args=[agent.public_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Used by AB widget 80%, Main line" in html
    assert "Used by AB widget 20%" in html
