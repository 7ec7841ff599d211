"""Rollouts and alerts in the console: start, watch (polled only while running),
steer with confirmations, acknowledge; roles; query counts."""

import json

import pytest
from django.urls import reverse

from agents.models import Alert, Rollout
from agents.services import alerts, channels, conversations, labels, releases, rollouts
from tests.helpers import calls

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def line(agent, make_version, user, settings):
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0
    settings.REGRESSION_CHECK_DEBOUNCE_S = 0
    v1, _v2 = make_version(agent), make_version(agent, name="Shorter greeting")
    releases.release_version(version=v1, user=user)
    return channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)


@pytest.fixture
def releaser(client, user):
    client.force_login(user)
    return client


def start(line, user, **kw):
    return rollouts.start_rollout(
        channel=line, candidate=line.agent.versions.get(number=2), user=user, **kw
    )


def test_a_releaser_starts_a_rollout_from_the_channel_with_the_defaults(releaser, line):
    page = releaser.get(reverse("agents:channel", args=[line.public_id])).content.decode()
    assert "Start rollout" in page
    url = reverse("agents:start-rollout", args=[line.public_id])
    dialog = releaser.get(url, **HTMX).content.decode()
    assert 'value="5, 25, 50, 100"' in dialog
    assert 'value="200"' in dialog
    assert 'value="30"' in dialog
    assert 'value="5"' in dialog
    response = releaser.post(url, {"candidate": "2", "steps": "10, 100"}, **HTMX)
    rollout = Rollout.objects.get()
    assert response["HX-Redirect"] == reverse("agents:rollout", args=[rollout.public_id])
    assert (rollout.steps, rollout.min_conversations, rollout.max_drop) == ([10, 100], 200, 0.05)
    page = releaser.get(reverse("agents:channel", args=[line.public_id])).content.decode()
    assert "A rollout steers this channel" in page
    assert "Start rollout</a>" not in page


def test_bad_input_shows_every_problem_beside_its_field_and_starts_nothing(releaser, line):
    url = reverse("agents:start-rollout", args=[line.public_id])
    body = {
        "candidate": "",
        "steps": "50, ten",
        "min_conversations": "-1",
        "min_minutes": "x",
        "max_drop": "150",
    }
    page = releaser.post(url, body, **HTMX).content.decode()
    for field in ("candidate", "steps", "min-conversations", "min-minutes", "max-drop"):
        assert f'aria-describedby="rollout-{field}-error"' in page or (
            f"rollout-{field}-error" in page
        ), field
    page = releaser.post(url, {"candidate": "2", "steps": "50, 10, 100"}, **HTMX).content.decode()
    assert "increasing whole percentages ending at 100" in page
    page = releaser.post(url, {"candidate": "1"}, **HTMX).content.decode()
    assert "the channel serves it already" in page
    assert not Rollout.objects.exists()


def test_editors_and_viewers_watch_but_do_not_start_or_steer(client, make_user, line, user):
    rollout = start(line, user)
    for role in ("Editor", "Viewer"):
        client.force_login(make_user(role))
        page = client.get(reverse("agents:rollout", args=[rollout.public_id])).content.decode()
        assert "Shorter greeting" in page
        assert 'data-testid="rollout-actions"' not in page
        channel_page = client.get(reverse("agents:channel", args=[line.public_id])).content
        assert b"Start rollout</a>" not in channel_page
        assert client.get(reverse("agents:start-rollout", args=[line.public_id])).status_code == 403
        steer = reverse("agents:steer-rollout", args=[rollout.public_id, "abort"])
        assert client.post(steer).status_code == 403
    rollout.refresh_from_db()
    assert rollout.status == "running"


def test_the_page_polls_only_while_running_and_says_when_the_rule_moved_it(releaser, line, user):
    rollout = start(line, user, steps=[20, 100], min_conversations=1000)
    page_url = reverse("agents:rollout", args=[rollout.public_id])
    page = releaser.get(page_url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'aria-current="step">20%' in page
    live = reverse("agents:rollout-live", args=[rollout.public_id])
    same = releaser.get(live, {"shown": "running:0"}, **HTMX)
    assert "HX-Trigger" not in same
    rollouts.pause_rollout(rollout=rollout, user=user)
    moved = releaser.get(live, {"shown": "running:0"}, **HTMX)
    assert "rolloutChanged" in moved["HX-Trigger"]
    assert 'hx-trigger="every 2s"' not in moved.content.decode()
    assert 'hx-trigger="every 2s"' not in releaser.get(page_url).content.decode()


def test_steering_asks_first_then_acts_and_tells_the_page(releaser, line, user):
    rollout = start(line, user, steps=[20, 50, 100])
    for action, question, status, weight in (
        ("pause", "Pause the rollout of v2?", "paused", 20),
        ("resume", "Resume the rollout of v2?", "running", 20),
        ("advance", "Advance to 50% now?", "running", 50),
        ("advance", "Complete the rollout now?", "completed", 100),
    ):
        url = reverse("agents:steer-rollout", args=[rollout.public_id, action])
        assert question in releaser.get(url, **HTMX).content.decode()
        response = releaser.post(url, **HTMX)
        assert response.status_code == 204
        assert "rolloutChanged" in response["HX-Trigger"]
        rollout.refresh_from_db()
        assert (rollout.status, rollout.weight) == (status, weight)
    url = reverse("agents:steer-rollout", args=[rollout.public_id, "abort"])
    page = releaser.post(url, {"reason": "late"}, **HTMX).content.decode()
    assert "rollout is completed" in page or "is completed" in page


def test_abort_records_the_reason(releaser, line, user):
    rollout = start(line, user)
    url = reverse("agents:steer-rollout", args=[rollout.public_id, "abort"])
    releaser.post(url, {"reason": "callers confused"})
    rollout.refresh_from_db()
    assert rollout.status == "aborted"
    assert rollout.events.last().detail == "callers confused"


def test_alerts_show_on_the_channel_the_agent_and_the_badge_until_acknowledged(
    releaser, line, user
):
    rollout = start(line, user, steps=[50, 100], min_conversations=1000)
    line.refresh_from_db()
    for i in range(120):
        conversation, _ = channels.start_conversation_on_channel(
            channel=line, user=user, key=f"c{i}"
        )
        good = conversation.variant == "released" or i % 10 < 2
        conversations.end_conversation(
            conversation=conversation, user=user, outcome="completed" if good else "failed"
        )
    rollouts.evaluate_rollout(rollout.pk)
    alert = Alert.objects.get()
    channel_page = releaser.get(reverse("agents:channel", args=[line.public_id])).content.decode()
    assert 'data-testid="channel-alert"' in channel_page
    agent_page = releaser.get(reverse("agents:detail", args=[line.agent.public_id])).content
    assert alert.public_id.encode() in agent_page
    assert b'data-testid="alert-count">1<' in agent_page
    rollout_page = releaser.get(reverse("agents:rollout", args=[rollout.public_id])).content
    assert b"Rolled back" in rollout_page
    response = releaser.post(reverse("agents:ack-alert", args=[alert.public_id]), **HTMX)
    message = json.loads(response["HX-Trigger"])["alertAcked"]["message"]
    assert (
        message == f"Acknowledged {line.agent.name}: Rollout rolled back (v2) ({alert.public_id})."
    )
    assert b'data-testid="alert-count"' not in releaser.get(reverse("agents:alerts")).content
    listed = releaser.get(reverse("agents:alerts"), {"show": "all"}).content.decode()
    assert "Acknowledged by operator" in listed


def test_a_release_regression_is_listed_and_viewers_cannot_acknowledge(
    client, make_user, line, user, settings
):
    settings.REGRESSION_MIN_CONVERSATIONS = 20
    agent = line.agent
    calls(agent, user, 40, 0.9)
    releases.release_version(version=agent.versions.get(number=2), user=user)
    calls(agent, user, 40, 0.3)
    alerts.run_regression_checks()
    alert = Alert.objects.get(kind="version_regression")
    client.force_login(make_user("Viewer"))
    page = client.get(reverse("agents:alerts")).content.decode()
    assert "Version regression" in page
    assert "v2 against v1" in page
    assert "Acknowledge" not in page
    assert client.post(reverse("agents:ack-alert", args=[alert.public_id])).status_code == 403


def test_the_rollout_page_costs_fixed_queries_however_long_it_ran(
    releaser, line, user, django_assert_max_num_queries
):
    rollout = start(line, user, steps=[10, 20, 30, 40, 50, 100], min_conversations=10_000)
    url = reverse("agents:rollout", args=[rollout.public_id])
    with django_assert_max_num_queries(30) as few:
        releaser.get(url)
    for _ in range(4):
        rollouts.advance_rollout(rollout=rollout, user=user)
        rollouts.pause_rollout(rollout=rollout, user=user)
        rollouts.resume_rollout(rollout=rollout, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        releaser.get(url)


def test_the_channel_form_explains_that_the_rollout_owns_the_routing(releaser, line, user):
    start(line, user)
    url = reverse("agents:channel", args=[line.public_id])
    body = {"name": "Renamed line", "kind": "phone", "agent": line.agent.public_id}
    page = releaser.post(url, {**body, "target": "v2"})
    assert page.status_code == 200
    assert "rollout in flight" in page.content.decode()
    line.refresh_from_db()
    assert (line.name, line.target) == ("Main line", "released")
    as_routed = {
        "target": "released",
        "variant-0-target": "released",
        "variant-0-weight": "95",
        "variant-1-target": "v2",
        "variant-1-weight": "5",
    }
    assert releaser.post(url, {**body, **as_routed}).status_code == 302  # renaming is fine
    line.refresh_from_db()
    assert line.name == "Renamed line"


def test_a_label_can_name_the_candidate(releaser, line, user):
    labels.move_label(
        agent=line.agent, name="staging", version=line.agent.versions.get(number=2), user=user
    )
    url = reverse("agents:start-rollout", args=[line.public_id])
    assert "staging → v2" in releaser.get(url, **HTMX).content.decode()
    releaser.post(url, {"candidate": "@staging"}, **HTMX)
    assert Rollout.objects.get().candidate.number == 2
