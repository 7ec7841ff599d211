"""Local routing: a client that assigns callers with `GET /channels/{id}/routing` and
the README's function gets the target the server would choose — on 10,000 keys, and
again after a rollout's step, keeping every caller that was on the candidate."""

import re
from pathlib import Path

import pytest

from agents.domain import routing as routing_domain
from agents.services import channels, releases, rollouts

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_assign():
    text = README.read_text(encoding="utf-8")
    code = re.search(r"<!-- assign-snippet -->\n```python\n(.*?)```", text, re.S).group(1)
    scope: dict = {}
    exec(code, scope)
    return scope["assign"]


def readme_vectors():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- assign-vectors -->\n(.*?)\n\n", text, re.S).group(1)
    return re.findall(r"\| `([^`]+)` \| `([^`]+)` \|", table)


def server_variant(channel, key: str) -> str:
    chosen = channel.variants[routing_domain.assign(channel.public_id, key, channel.variants)]
    return routing_domain.target_label(chosen["target"])


def test_the_readme_vectors_are_what_the_server_assigns():
    variants = [{"target": "released", "weight": 80}, {"target": {"version": 2}, "weight": 20}]
    assign, vectors = readme_assign(), readme_vectors()
    assert len(vectors) >= 5
    for key, expected in vectors:
        index = routing_domain.assign("ch_aaaaaaaaaa", key, variants)
        assert routing_domain.target_label(variants[index]["target"]) == expected
        targets = [{"variant": "released", "weight": 80}, {"variant": "v2", "weight": 20}]
        assert assign("ch_aaaaaaaaaa", key, targets)["variant"] == expected


def test_a_channel_that_does_not_split_has_one_target(api, agent, released, user):
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    body = api.get(f"/channels/{line.public_id}/routing").json()
    assert (body["split"], body["rollout"], body["agent"]) == (False, None, agent.public_id)
    assert body["targets"] == [
        {"variant": "released", "target": "released", "version": 1, "weight": 100}
    ]
    assert body["seq"] >= 1
    assert set(body["rule"]) >= {"hash", "score", "pick"}


def test_client_and_server_agree_on_10000_keys_across_a_rollout_step(
    api, agent, make_version, user
):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(channel=line, candidate=v2, user=user, steps=[20, 50, 100])
    assign, keys = readme_assign(), [f"caller-{i}" for i in range(10_000)]

    def both_sides():
        line.refresh_from_db()
        body = api.get(f"/channels/{line.public_id}/routing").json()
        client = {key: assign(line.public_id, key, body["targets"])["variant"] for key in keys}
        server = {key: server_variant(line, key) for key in keys}
        return body, client, server

    body, client, server = both_sides()
    assert body["rollout"] == {"id": rollout.public_id, "step": 0, "weight": 20}
    assert [(t["variant"], t["version"], t["weight"]) for t in body["targets"]] == [
        ("released", 1, 80),
        ("v2", 2, 20),
    ]
    assert client == server
    on_candidate = {key for key, variant in client.items() if variant == "v2"}
    assert 1_700 < len(on_candidate) < 2_300

    rollouts.advance_rollout(rollout=rollout, user=user)
    body, client, server = both_sides()
    assert body["rollout"]["weight"] == 50
    assert client == server
    assert all(client[key] == "v2" for key in on_candidate)  # nobody left the candidate
    assert 4_600 < sum(variant == "v2" for variant in client.values()) < 5_400
    sample = keys[:50]  # the API path itself: POST /conversations agrees
    started = [
        api.post("/conversations", {"channel": line.public_id, "key": key}).json()["variant"]
        for key in sample
    ]
    assert started == [client[key] for key in sample]


def test_an_unknown_channel_is_404(api):
    assert api.get("/channels/ch_aaaaaaaaaa/routing").status_code == 404
