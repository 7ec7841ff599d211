"""What callers felt: latency, satisfaction, cost, scores and the transcript, reported
when a conversation ends (API.md, "Quality signals")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Conversation, Turn
from tests.helpers import error

pytestmark = pytest.mark.django_db

SIGNALS = {
    "outcome": "completed",
    "latency_ms": 850.5,
    "satisfaction": 4,
    "cost": 0.031,
    "scores": {"politeness": 0.9, "booked": 1},
    "turns": [
        {"role": "user", "content": "I need to move my appointment."},
        {"role": "assistant", "content": "Of course. Which day suits you?", "latency_ms": 812},
    ],
}


def start(api, agent, **extra):
    return api.post("/conversations", {"agent": agent.public_id, **extra}).json()["id"]


def test_the_end_carries_what_callers_felt_and_the_transcript(api, agent, released):
    conversation = start(api, agent)
    response = api.post(f"/conversations/{conversation}/end", SIGNALS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["latency_ms"], body["satisfaction"], body["cost"]) == (850.5, 4, 0.031)
    assert body["scores"] == {"politeness": 0.9, "booked": 1.0}
    turns = api.get(f"/conversations/{conversation}/turns").json()["data"]
    assert [(t["position"], t["role"], t["latency_ms"]) for t in turns] == [
        (0, "user", None),
        (1, "assistant", 812.0),
    ]
    assert api.get(f"/conversations/{conversation}").json()["satisfaction"] == 4


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"latency_ms": -1}, "latency_ms"),
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": 3.5}, "satisfaction"),
        ({"cost": -0.01}, "cost"),
        ({"scores": {"politeness": 1.5}}, "scores"),
        ({"scores": {"Bad Name": 0.5}}, "scores.Bad Name"),
        ({"turns": [{"role": "system", "content": "x"}]}, "turns"),
        ({"turns": [{"role": "user", "content": "x", "latency_ms": -3}]}, "turns"),
        ({"turns": [{"role": "user", "content": "x"}] * 501}, "turns"),
    ],
)
def test_a_refused_end_stores_nothing_and_the_conversation_can_still_end(
    api, agent, released, change, path
):
    conversation = start(api, agent)
    refused = api.post(f"/conversations/{conversation}/end", {**SIGNALS, **change})
    body = error(refused, 422, "validation_error")
    assert any(e["path"].startswith(path) for e in body["details"]), body
    stored = Conversation.objects.get(public_id=conversation)
    assert (stored.ended_at, stored.latency_ms, stored.scores) == (None, None, {})
    assert not Turn.objects.filter(conversation=stored).exists()
    assert api.post(f"/conversations/{conversation}/end", SIGNALS).status_code == 200


def test_an_offline_conversation_carries_the_same_fields(api, agent, released):
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    conversation = start(api, agent, offline={"version": 1, "started_at": started})
    body = api.post(f"/conversations/{conversation}/end", SIGNALS).json()
    assert (body["offline"], body["satisfaction"], body["cost"]) == (True, 4, 0.031)
    assert len(api.get(f"/conversations/{conversation}/turns").json()["data"]) == 2


def test_the_transcript_of_an_unknown_conversation_is_404(api):
    error(api.get("/conversations/cv_nothing/turns"), 404, "not_found")
