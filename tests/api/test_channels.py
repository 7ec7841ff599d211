"""Channels over the API: validation, routing, sticky variants, and what served them when."""

import pytest
from django.utils import timezone

from agents.models import Channel, Conversation
from agents.services import releases, tokens
from tests.helpers import Api, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, make_user):
    _, secret = tokens.create_api_token(user=make_user("Editor", "Releaser"), name="channels")
    return Api(client, secret)


@pytest.fixture
def versions(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.1}})
    v2 = make_version(agent, {"llm": {"temperature": 0.2}})
    releases.release_version(version=v1, user=user)
    return v1, v2


def new_channel(api, agent, **extra):
    body = {
        "name": "Main line",
        "kind": "phone",
        "address": "+15550100",
        "agent": agent.public_id,
        **extra,
    }
    return api.post("/channels", body)


def test_creating_and_reading_a_channel(api, agent, versions):
    response = new_channel(api, agent)
    assert response.status_code == 201
    channel = response.json()
    assert channel["id"].startswith("ch_")
    assert (channel["target"], channel["variants"]) == ("released", None)
    assert api.get(f"/channels/{channel['id']}").json() == channel
    assert [c["id"] for c in api.get(f"/channels?agent={agent.public_id}").json()["data"]] == [
        channel["id"]
    ]


def test_invalid_routing_is_422_with_paths_and_saves_nothing(api, agent, make_agent, versions):
    bad_weights = new_channel(
        api,
        agent,
        variants=[{"target": "released", "weight": 60}, {"target": "draft", "weight": 30}],
    )
    details = error(bad_weights, 422, "validation_error")["details"]
    assert details[0]["path"] == "variants"
    other = make_agent("Other")
    foreign = api.post(
        "/channels",
        {"name": "X", "kind": "web", "agent": other.public_id, "target": {"version": 2}},
    )
    assert error(foreign, 422, "validation_error")["details"][0]["path"] == "target"
    assert not Channel.objects.exists()


def test_only_releasers_manage_channels(client, make_user, agent, versions):
    _, secret = tokens.create_api_token(user=make_user("Editor"), name="editor")
    editor = Api(client, secret)
    error(new_channel(editor, agent), 403, "permission_denied")
    assert editor.get("/channels").status_code == 200


def test_patching_target_and_variants(api, agent, versions):
    channel = new_channel(api, agent).json()
    pinned = api.patch(f"/channels/{channel['id']}", {"target": {"version": 2}}).json()
    assert pinned["target"] == {"version": 2}
    split = api.patch(
        f"/channels/{channel['id']}",
        {
            "variants": [
                {"target": "released", "weight": 80},
                {"target": {"version": 2}, "weight": 20},
            ]
        },
    ).json()
    assert [v["weight"] for v in split["variants"]] == [80, 20]
    assert api.patch(f"/channels/{channel['id']}", {"variants": None}).json()["variants"] is None
    error(
        api.patch(f"/channels/{channel['id']}", {"target": {"version": 9}}), 422, "validation_error"
    )


def test_a_conversation_on_a_channel_binds_through_its_target(api, agent, versions):
    channel = new_channel(api, agent, target={"version": 2}).json()
    started = api.post("/conversations", {"channel": channel["id"], "key": "+1555"})
    assert started.status_code == 201
    body = started.json()
    assert (body["channel"], body["version"], body["variant"]) == (channel["id"], 2, None)
    error(api.post("/conversations", {"channel": "ch_aaaaaaaaaa"}), 404, "not_found")


def test_ab_channels_assign_keys_stickily(api, agent, versions):
    channel = new_channel(
        api,
        agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    ).json()
    seen = {}
    for i in range(40):
        key = f"caller-{i}"
        first = api.post("/conversations", {"channel": channel["id"], "key": key}).json()
        again = api.post("/conversations", {"channel": channel["id"], "key": key}).json()
        assert (first["variant"], first["version"]) == (again["variant"], again["version"])
        seen[first["variant"]] = first["version"]
    assert seen == {"released": 1, "v2": 2}
    assert Conversation.objects.filter(channel_ref=channel["id"]).count() == 80


def test_which_version_served_a_channel_at_a_time(api, agent, versions, user):
    v1, v2 = versions
    before = timezone.now()
    channel = new_channel(api, agent).json()
    after_create = timezone.now()
    releases.release_version(version=v2, user=user)
    now = timezone.now()

    def as_of(moment):
        at = moment.isoformat().replace("+00:00", "Z")
        return api.get(f"/channels/{channel['id']}/as-of?at={at}").json()

    assert as_of(before)["existed"] is False
    assert as_of(after_create)["serves"] == [
        {
            "variant": "released",
            "weight": 100,
            "version": 1,
            "content_hash": v1.content_hash,
            "draft_revision": None,
        }
    ]
    later = as_of(now)
    assert later["serves"][0]["version"] == 2
