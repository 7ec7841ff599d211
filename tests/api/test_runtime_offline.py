"""Offline conversations: a runtime reports calls it started while the console was
unreachable; they are bound to the version it served, flagged, and counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Conversation
from agents.selectors import conversations as conversations_selectors
from agents.services import channels
from tests.helpers import error

pytestmark = pytest.mark.django_db


def offline(agent=None, channel=None, version=1, ago=timedelta(hours=1), **extra):
    started = (timezone.now() - ago).isoformat()
    body = {"offline": {"version": version, "started_at": started}, **extra}
    body.update({"agent": agent.public_id} if agent else {"channel": channel.public_id})
    return body


def test_an_offline_call_is_bound_to_its_version_and_flagged(api, agent, released, make_version):
    make_version(agent)  # v2 exists, v1 is what the runtime served
    response = api.post("/conversations", offline(agent, key="+15550100"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["offline"]) == (1, True)
    stored = Conversation.objects.get(public_id=body["id"])
    assert timezone.now() - stored.started_at > timedelta(minutes=59)
    assert api.get(f"/conversations/{body['id']}").json()["offline"] is True


def test_a_retry_with_the_same_key_records_it_once(api, agent, released):
    body = offline(agent)
    first = api.post("/conversations", body, headers={"Idempotency-Key": "outage-1"})
    again = api.post("/conversations", body, headers={"Idempotency-Key": "outage-1"})
    assert first.json()["id"] == again.json()["id"]
    assert Conversation.objects.filter(offline=True).count() == 1


def test_on_a_channel_it_takes_the_keys_variant(api, agent, released, make_version, user):
    make_version(agent)
    line = channels.create_channel(
        user=user,
        name="A/B line",
        kind="phone",
        agent=agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )
    answers = [
        api.post("/conversations", offline(channel=line, version=2, key=f"k{i}")) for i in range(8)
    ]
    variants = {a.json()["variant"] for a in answers}
    assert variants <= {"released", "v2"}
    assert all(a.json()["channel"] == line.public_id for a in answers)


@pytest.mark.parametrize(
    ("version", "ago", "status", "code"),
    [
        (9, timedelta(hours=1), 404, "not_found"),
        (1, -timedelta(hours=1), 422, "validation_error"),
        (1, timedelta(days=8), 422, "validation_error"),
    ],
)
def test_a_foreign_version_a_future_or_too_old_start_is_refused(
    api, agent, released, version, ago, status, code
):
    error(api.post("/conversations", offline(agent, version=version, ago=ago)), status, code)
    assert not Conversation.objects.exists()


def test_offline_calls_count_in_analytics(api, agent, released):
    body = api.post("/conversations", offline(agent)).json()
    api.post(f"/conversations/{body['id']}/end", {"outcome": "completed"})
    [v1] = conversations_selectors.version_stats(agent)
    assert (v1.number, v1.conversations, v1.completion_rate) == (1, 1, 1.0)
