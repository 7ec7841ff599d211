"""Conversations page and per-version analytics."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agents.domain.stats import wilson_interval
from agents.models import Conversation
from agents.selectors import conversations
from agents.services import channels, metrics, playground, releases

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(
        name="AB widget",
        kind="web",
        agent=agent,
        user=user,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )
    rows = []
    now = timezone.now()
    for version, completed in ((v1, 60), (v2, 80)):
        for i in range(100):
            rows.append(
                Conversation(
                    agent=agent,
                    version=version,
                    content_hash=version.content_hash,
                    channel_ref=channel.public_id if i % 2 else "",
                    started_at=now - timedelta(hours=i),
                    ended_at=now,
                    outcome="completed" if i < completed else "abandoned",
                    duration_s=100 + i,
                    sentiment=0.5 if version is v2 else 0.1,
                    automated=i < 50,
                )
            )
    Conversation.objects.bulk_create(rows)
    metrics.rebuild([agent.pk])  # written in bulk: their days counted at once
    return agent, v1, v2, channel


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


def test_the_wilson_interval_brackets_the_rate():
    low, high = wilson_interval(80, 100)
    assert 0.70 < low < 0.8 < high < 0.88
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_version_stats_are_per_version(traffic):
    agent = traffic[0]
    stats = {s.label: s for s in conversations.version_stats(agent)}
    assert stats["v1"].conversations == 100
    assert stats["v1"].completion_rate == pytest.approx(0.6)
    assert stats["v2"].completion_rate == pytest.approx(0.8)
    assert stats["v2"].mean_sentiment == pytest.approx(0.5)
    assert stats["v1"].automation_rate == pytest.approx(0.5)
    assert stats["v1"].completion_low < 0.6 < stats["v1"].completion_high


def test_the_conversations_page_filters(client_in, traffic):
    agent, _v1, _v2, channel = traffic
    url = reverse("agents:conversations", args=[agent.public_id])
    page = client_in.get(url, {"version": "2", "outcome": "abandoned"}).content.decode()
    assert page.count(f'href="{url}cv_') == 20
    pick = reverse("agents:compare-pick", args=[agent.public_id])
    assert f'href="{pick}?from=released&amp;to=2&amp;order=older"' in page
    fragment = client_in.get(url, {"channel": channel.public_id}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="conversation-table">')
    assert "Page 1 of 4" in client_in.get(url).content.decode()


def test_the_analytics_page_compares_two_versions_with_a_chart(client_in, traffic):
    agent = traffic[0]
    html = client_in.get(
        reverse("agents:analytics", args=[agent.public_id]), {"a": "v1", "b": "v2"}
    ).content.decode()
    assert "<svg" in html
    assert "v1 vs v2" in html
    assert "v2 has a completion rate 20.0 points higher (80.0% vs 60.0%, p = 0.002)" in html
    assert html.count('data-testid="stats-row"') == 2


def test_analytics_costs_fixed_queries_with_100000_conversations(
    client_in, agent, make_version, user, django_assert_max_num_queries
):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    rng = random.Random(1)
    now = timezone.now()
    Conversation.objects.bulk_create(
        (
            Conversation(
                agent=agent,
                version=v1,
                content_hash=v1.content_hash,
                started_at=now,
                ended_at=now,
                outcome=rng.choice(["completed", "failed"]),
                duration_s=rng.random() * 300,
                sentiment=rng.random() * 2 - 1,
                automated=rng.random() < 0.5,
                latency_ms=rng.lognormvariate(6.5, 0.4),
                satisfaction=rng.randint(1, 5),
                cost=rng.random() / 10,
                scores={"polite": rng.random()},
            )
            for _ in range(100_000)
        ),
        batch_size=5000,
    )
    metrics.rebuild([agent.pk])
    # The page's own 6 (session, user, permissions, agent, alerts), 4 for the metrics
    # (outcomes and means, percentiles, scores, version numbers), 3 for the charts
    # (latency buckets, days, the days' scores).
    with django_assert_max_num_queries(13):
        response = client_in.get(reverse("agents:analytics", args=[agent.public_id]))
    assert "100000" in response.content.decode()


def test_analytics_comparison_refreshes_as_a_fragment(client_in, traffic):
    agent = traffic[0]
    html = client_in.get(
        reverse("agents:analytics", args=[agent.public_id]),
        {"a": "v2", "b": "v1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert html.lstrip().startswith('<section id="comparison"')
    assert "v2 vs v1" in html


def test_the_channel_page_answers_which_version_served_at_a_time(client_in, traffic, user):
    _agent, _v1, v2, channel = traffic
    before_release = timezone.now()
    releases.release_version(version=v2, user=user)
    url = reverse("agents:channel", args=[channel.public_id])
    at = timezone.localtime(before_release).strftime("%Y-%m-%dT%H:%M:%S.%f")
    html = client_in.get(url, {"at": at}).content.decode()
    served = html.split('data-testid="served">')[1].split("</span>")[0]
    assert "<strong>v1</strong> (released, 50%)" in served
    assert "<strong>v2</strong> (v2, 50%)" in served
    early = client_in.get(url, {"at": "2000-01-01T00:00"}).content.decode()
    assert "the channel did not exist yet" in early


def test_each_conversation_opens_its_transcript_and_the_channel_shows_by_name(
    client_in, traffic, user, make_agent
):
    agent = traffic[0]
    listing = client_in.get(reverse("agents:conversations", args=[agent.public_id])).content
    assert "AB widget" in listing.decode()
    session = playground.start_playground(agent=agent, target="draft", user=user)
    playground.send_playground_message(conversation=session, text="Can I move my visit?", user=user)
    Conversation.objects.filter(pk=session.pk).update(analysis={"intent": "reschedule"})
    url = reverse("agents:conversation", args=[agent.public_id, session.public_id])
    html = client_in.get(url).content.decode()
    assert "Can I move my visit?" in html
    assert "You said: Can I move my visit?" in html
    assert "the draft as it was at" in html
    assert "reschedule" in html
    other = make_agent("Someone else")
    assert (
        client_in.get(
            reverse("agents:conversation", args=[other.public_id, session.public_id])
        ).status_code
        == 404
    )


def test_impossible_filters_say_why(client_in, traffic):
    agent = traffic[0]
    url = reverse("agents:conversations", args=[agent.public_id])
    html = client_in.get(url, {"since": "2026-05-02", "until": "2026-05-01"}).content.decode()
    assert "“From” is after “To”" in html
    html = client_in.get(url, {"since": "yesterday"}).content.decode()
    assert "is not a date" in html


def test_offline_conversations_are_flagged_in_the_list_and_on_their_page(client_in, traffic, user):
    agent, _, _, channel = traffic
    call, _ = channels.record_offline_conversation(
        on=channel, version=1, started_at=timezone.now() - timedelta(minutes=5), user=user
    )
    listing = client_in.get(reverse("agents:conversations", args=[agent.public_id]))
    assert listing.content.decode().count('data-testid="offline"') == 1
    page = client_in.get(reverse("agents:conversation", args=[agent.public_id, call.public_id]))
    assert "started while the console was unreachable" in page.content.decode()
