"""`GET /stream`: a runtime is pushed each change; it resumes where it stopped.

In-process the stream is the WSGI one and the hub is driven by hand
(`hub.deliver()`); tests/project/test_stream_nodes.py runs it on real servers."""

import json

import pytest

from agents.models import Change
from agents.services import broadcast, labels, releases
from tests.helpers import error

pytestmark = pytest.mark.django_db


def events(body, count: int) -> list[tuple[str | None, str, dict | None]]:
    """The next `count` events of a stream as (id, event, data); pings as (None, "ping")."""
    found, text = [], ""
    while len(found) < count:
        text += next(body).decode()
        while "\n\n" in text:
            block, text = text.split("\n\n", 1)
            fields = dict(
                line.split(": ", 1) for line in block.splitlines() if not line.startswith(":")
            )
            if block.startswith(": ping"):
                found.append((None, "ping", None))
            elif "event" in fields:
                found.append((fields.get("id"), fields["event"], json.loads(fields["data"])))
    return found


def open_stream(api, query="", **headers):
    response = api.get(f"/stream{query}", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    return response, iter(response.streaming_content)


def test_last_event_id_replays_what_came_after_it_in_order(api, changes_made):
    agent, line, _, _ = changes_made
    response, body = open_stream(api, **{"Last-Event-ID": "1"})
    assert next(body) == b"retry: 1000\n\n"
    replayed = events(body, 3)
    assert [(seq, kind) for seq, kind, _ in replayed] == [
        ("2", "change"),
        ("3", "change"),
        ("4", "change"),
    ]
    assert replayed[0][2]["channel"] == line.public_id
    assert replayed[1][2] == {
        "seq": 3,
        "kind": "label.moved",
        "workspace": agent.workspace.public_id,
        "agent": agent.public_id,
        "ref": "staging",
        "version": 2,
        "at": replayed[1][2]["at"],
    }
    response.close()
    assert not broadcast.hub().subscriptions  # closing the stream unsubscribes it


def test_live_changes_follow_and_filters_hold(api, changes_made, user, make_version):
    agent, line, other, v2 = changes_made
    response, body = open_stream(api, f"?channel={line.public_id}&since=4")
    next(body)  # retry
    releases.release_version(version=make_version(other), user=user)  # 5: not this line's
    releases.release_version(version=v2, user=user)  # 6: the line's agent
    assert broadcast.hub().deliver() == 2
    [(seq, kind, data)] = events(body, 1)
    assert (seq, kind, data["agent"], data["version"]) == ("6", "change", agent.public_id, 2)
    response.close()


def test_a_quiet_stream_pings(api, changes_made, settings):
    settings.STREAM_PING_S = 0.01
    response, body = open_stream(api)
    next(body)
    assert events(body, 2) == [(None, "ping", None), (None, "ping", None)]
    response.close()


def test_a_resume_point_no_longer_kept_starts_with_reset(api, changes_made):
    Change.objects.filter(seq__lte=2).delete()  # pruned by the sweep
    response, body = open_stream(api, "?since=0")
    next(body)
    assert events(body, 1) == [("4", "reset", {"seq": 4})]
    response.close()


def test_a_subscriber_that_stops_reading_is_dropped_without_holding_up_others(
    api, changes_made, user, monkeypatch
):
    agent, *_ = changes_made
    v1 = agent.versions.get(number=1)
    monkeypatch.setattr(broadcast, "MAX_PENDING", 2)
    hub = broadcast.hub()
    slow = hub.subscribe(broadcast.Interest.of())
    response, body = open_stream(api)
    next(body)
    for name in ("qa", "beta"):
        labels.move_label(agent=agent, name=name, version=v1, user=user)
    hub.deliver()
    assert len(events(body, 2)) == 2  # the stream reads; `slow` does not
    labels.move_label(agent=agent, name="canary", version=v1, user=user)
    hub.deliver()
    assert slow.dropped
    assert slow not in hub.subscriptions
    [(_, kind, data)] = events(body, 1)
    assert (kind, data["ref"]) == ("change", "canary")
    response.close()


@pytest.mark.parametrize(
    ("query", "headers", "path"),
    [
        ("", {"Last-Event-ID": "seven"}, "Last-Event-ID"),
        ("", {"Last-Event-ID": "-1"}, "Last-Event-ID"),
        ("", {"Last-Event-ID": "99"}, "since"),
        ("?since=99", {}, "since"),
        ("?since=x", {}, "since"),
        ("?ref=released", {}, "ref"),
    ],
)
def test_bad_resume_points_and_unknown_filters_are_refused(api, changes_made, query, headers, path):
    refused = error(api.get(f"/stream{query}", headers=headers), 422, "validation_error")
    assert path in str(refused["details"])
    assert not broadcast.hub().subscriptions


def test_the_stream_needs_a_token_that_reads_agents(make_api, changes_made):
    assert make_api().get("/stream", token=None).status_code == 401
    error(make_api().get("/stream"), 401, "unauthenticated")  # its user left the workspace
