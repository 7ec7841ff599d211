"""The JSON API contract (shared/API.md): endpoints, errors, roles, idempotency, binding."""

import pytest

from agents.models import (
    ApiToken,
    ConfigSnapshot,
    Conversation,
    Draft,
    IdempotencyRecord,
    PublishedVersion,
    ReleaseEvent,
)
from agents.services import releases, tokens
from tests.helpers import edit, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(agent, make_version, user):
    """An agent with v1 released, v2 saved, and a draft with unpublished changes."""
    v1 = make_version(agent, {"llm": {"temperature": 0.1}})
    v2 = make_version(agent, {"llm": {"temperature": 0.2}})
    releases.release_version(version=v1, user=user)
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    return agent, v1, v2


# ------------------------------------------------------------------ auth


def test_missing_invalid_and_revoked_tokens_are_401(api, user, django_capture_on_commit_callbacks):
    error(api.get("/agents", token=None), 401, "unauthenticated")
    error(api.get("/agents", token="ac_not-a-real-token"), 401, "unauthenticated")
    assert api.get("/agents").status_code == 200
    token = ApiToken.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        tokens.revoke_api_token(token=token, user=user)
    error(api.get("/agents"), 401, "unauthenticated")


def test_tokens_are_stored_hashed_with_a_prefix(api):
    token = ApiToken.objects.get()
    assert api.token not in (token.token_hash, token.prefix)
    assert api.token.startswith(token.prefix)
    assert len(token.token_hash) == 64


def test_a_token_records_when_it_was_last_used(api):
    assert ApiToken.objects.get().last_used_at is None
    api.get("/agents")
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        (("Viewer",), {"read"}),
        (("Editor",), {"read", "edit", "version"}),
        (("Releaser",), {"read", "edit", "version", "release"}),
    ],
)
def test_each_role_may_do_exactly_its_part(make_api, live, roles, allowed):
    agent, _v1, _v2 = live
    api = make_api(*roles)
    base = f"/agents/{agent.public_id}"
    attempts = {
        "read": api.get(f"{base}/draft"),
        "edit": api.patch(f"{base}/draft", {"config": {"llm": {"temperature": 1.0}}}),
        "version": api.post(f"{base}/versions", {"name": "By role"}),
        "release": api.post(f"{base}/release", {"version": 2}),
    }
    for action, response in attempts.items():
        if action in allowed:
            assert response.status_code in (200, 201), (action, response.content)
        else:
            error(response, 403, "permission_denied")


# ------------------------------------------------------------------ agents


def test_listing_agents_with_search_status_and_pages(api, make_agent, live):
    for i in range(3):
        make_agent(f"Extra {i}")
    body = api.get("/agents?limit=2").json()
    assert len(body["data"]) == 2
    assert body["next"].endswith("offset=2")
    second = api.get("/agents?limit=2&offset=2").json()
    assert [a["name"] for a in second["data"]] == ["Extra 2", "Support line"]
    assert second["next"] is None
    assert [a["id"] for a in api.get("/agents?status=unpublished_changes").json()["data"]] == [
        live[0].public_id
    ]
    assert [a["name"] for a in api.get("/agents?search=extra 1").json()["data"]] == ["Extra 1"]


def test_the_agent_shape(api, live):
    agent, _v1, _v2 = live
    body = api.get(f"/agents/{agent.public_id}").json()
    assert body["id"] == agent.public_id
    assert body["status"] == "unpublished_changes"
    assert (body["released_version"], body["latest_version"]) == (1, 2)
    assert body["draft"]["revision"] == 4
    assert set(body) >= {
        "id",
        "name",
        "description",
        "status",
        "released_version",
        "latest_version",
        "draft",
        "created_at",
    }


def test_creating_an_agent_merges_a_partial_config(api):
    response = api.post("/agents", {"name": "Via API", "config": {"llm": {"temperature": 1.5}}})
    assert response.status_code == 201
    agent_id = response.json()["id"]
    draft = api.get(f"/agents/{agent_id}/draft").json()
    assert draft["config"]["llm"]["temperature"] == 1.5
    assert draft["config"]["llm"]["model"] == "gpt-4o-mini"
    assert draft["revision"] == 1


def test_patching_an_agent_never_creates_a_version(api, live):
    agent = live[0]
    body = api.patch(f"/agents/{agent.public_id}", {"name": "Renamed"}).json()
    assert body["name"] == "Renamed"
    assert body["latest_version"] == 2
    assert Draft.objects.get(agent=agent).revision == 4


def test_unknown_things_are_404(api, live):
    agent = live[0]
    error(api.get("/agents/ag_aaaaaaaaaa"), 404, "not_found")
    error(api.get(f"/agents/{agent.public_id}/versions/99"), 404, "not_found")
    error(api.get("/conversations/cv_aaaaaaaaaa"), 404, "not_found")
    error(api.get("/resolve/ag_aaaaaaaaaa"), 404, "not_found")
    error(api.get("/no/such/endpoint"), 404, "not_found")


# ------------------------------------------------------------------ draft


def test_put_replaces_the_draft_and_omitted_sections_take_defaults(api, live):
    agent = live[0]
    body = api.put(
        f"/agents/{agent.public_id}/draft", {"config": {"prompt": {"system_prompt": "Only this."}}}
    ).json()
    assert body["config"]["prompt"]["system_prompt"] == "Only this."
    assert body["config"]["llm"]["temperature"] == 0.7
    assert body["revision"] == 5


def test_patch_is_a_json_merge_patch(api, live):
    agent = live[0]
    body = api.patch(
        f"/agents/{agent.public_id}/draft",
        {"config": {"voice": {"tts_voice": "bella"}, "workflow": {"a": 1}}},
    ).json()
    assert body["config"]["voice"]["tts_voice"] == "bella"
    assert body["config"]["llm"]["temperature"] == 0.3  # kept
    body = api.patch(f"/agents/{agent.public_id}/draft", {"config": {"workflow": None}}).json()
    assert body["config"]["workflow"] is None


def test_a_stale_if_match_is_412_with_the_current_revision(api, live):
    agent = live[0]
    response = api.patch(
        f"/agents/{agent.public_id}/draft",
        {"config": {"llm": {"model": "x"}}},
        headers={"If-Match": '"3"'},
    )
    err = error(response, 412, "draft_conflict")
    assert err["details"]["current_revision"] == 4
    ok = api.put(f"/agents/{agent.public_id}/draft", {"config": {}}, headers={"If-Match": '"4"'})
    assert ok.status_code == 200
    assert Draft.objects.get(agent=agent).revision == 5


def test_an_invalid_draft_is_422_with_paths_and_changes_nothing(api, live):
    agent = live[0]
    response = api.patch(
        f"/agents/{agent.public_id}/draft",
        {"config": {"llm": {"temperature": 5}, "tools": [{"name": "x", "type": "webhook"}]}},
    )
    err = error(response, 422, "validation_error")
    assert {d["path"] for d in err["details"]} == {"llm.temperature", "tools[0]"}
    assert Draft.objects.get(agent=agent).revision == 4


def test_malformed_json_and_wrong_shapes(api, live):
    agent = live[0]
    error(api.put(f"/agents/{agent.public_id}/draft", raw="{nope"), 400, "bad_request")
    form = api.client.post(
        "/api/v1/agents",
        data="name=x",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    error(form, 400, "bad_request")
    err = error(
        api.put(f"/agents/{agent.public_id}/draft", {"konfig": {}}), 422, "validation_error"
    )
    assert err["details"]
    error(
        api.put(
            f"/agents/{agent.public_id}/draft", {"config": {}}, headers={"If-Match": "yesterday"}
        ),
        400,
        "bad_request",
    )


def test_bodies_over_the_limit_are_413(api, live, settings):
    settings.API_MAX_BODY_BYTES = 1000
    agent = live[0]
    big = {"config": {"prompt": {"system_prompt": "x" * 2000}}}
    error(api.put(f"/agents/{agent.public_id}/draft", big), 413, "payload_too_large")
    assert Draft.objects.get(agent=agent).revision == 4


# ------------------------------------------------------------------ versions


def test_versions_are_listed_newest_first_in_pages(api, live):
    agent = live[0]
    body = api.get(f"/agents/{agent.public_id}/versions?limit=1").json()
    assert [v["number"] for v in body["data"]] == [2]
    assert body["data"][0]["label"] == "v2"
    assert body["next"]
    rest = api.get(f"/agents/{agent.public_id}/versions?limit=1&offset=1").json()
    assert rest["data"][0]["is_released"] is True
    assert rest["next"] is None


def test_saving_a_version(api, live):
    agent = live[0]
    response = api.post(
        f"/agents/{agent.public_id}/versions",
        {"name": "Cooler", "description": "temperature 0.3", "expected_draft_revision": 4},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["name"], body["parent"]) == (3, "Cooler", 2)
    assert body["config"]["llm"]["temperature"] == 0.3
    error(api.post(f"/agents/{agent.public_id}/versions", {"name": "Again"}), 409, "no_changes")


def test_saving_a_version_of_a_stale_draft_is_412(api, live):
    agent = live[0]
    err = error(
        api.post(
            f"/agents/{agent.public_id}/versions", {"name": "Late", "expected_draft_revision": 2}
        ),
        412,
        "draft_conflict",
    )
    assert err["details"]["current_revision"] == 4
    assert PublishedVersion.objects.filter(agent=agent).count() == 2


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_versions_cannot_be_changed_or_deleted(api, live, method):
    agent = live[0]
    response = api.call(method, f"/agents/{agent.public_id}/versions/1", {"name": "x"})
    error(response, 405, "method_not_allowed")
    assert PublishedVersion.objects.get(agent=agent, number=1).name.startswith("Change")


def test_releasing_and_rolling_back(api, live):
    agent = live[0]
    body = api.post(f"/agents/{agent.public_id}/release", {"version": 2, "note": "go"}).json()
    assert (body["released_version"], body["previous_version"]) == (2, 1)
    assert body["event"]["kind"] == "release"
    assert body["event"]["note"] == "go"
    again = api.post(f"/agents/{agent.public_id}/release", {"version": 2}).json()
    assert again["event"] is None
    back = api.post(f"/agents/{agent.public_id}/release", {"version": 1}).json()
    assert back["event"]["kind"] == "rollback"
    log = api.get(f"/agents/{agent.public_id}/releases").json()["data"]
    assert [(e["previous_version"], e["version"], e["kind"]) for e in log] == [
        (2, 1, "rollback"),
        (1, 2, "release"),
        (None, 1, "release"),
    ]
    error(api.post(f"/agents/{agent.public_id}/release", {"version": 9}), 404, "not_found")


def test_restoring_a_version_into_the_draft(api, live):
    agent, _v1, v2 = live
    body = api.post(f"/agents/{agent.public_id}/restore", {"version": 2}).json()
    assert body["content_hash"] == v2.content_hash
    assert body["restored_from"] == 2
    error(
        api.post(
            f"/agents/{agent.public_id}/restore", {"version": 1, "expected_draft_revision": 1}
        ),
        412,
        "draft_conflict",
    )


def test_diff_between_any_two_sides(api, live):
    agent = live[0]
    body = api.get(f"/agents/{agent.public_id}/diff?from=released&to=draft").json()
    assert (body["from"], body["to"]) == ("v1", "draft")  # the resolved form
    assert body["changes"] == [{"path": "llm.temperature", "op": "changed", "old": 0.1, "new": 0.3}]
    assert body["summary"] == {"added": 0, "removed": 0, "changed": 1, "moved": 0}
    assert api.get(f"/agents/{agent.public_id}/diff?from=v1&to=2").json()["to"] == "v2"
    error(api.get(f"/agents/{agent.public_id}/diff?from=v7&to=draft"), 404, "not_found")


# ------------------------------------------------------------------ runtime


def test_resolving_every_kind_of_reference(api, live):
    agent, v1, v2 = live
    pid = agent.public_id
    released = api.get(f"/resolve/{pid}").json()
    assert (released["version"], released["content_hash"]) == (1, v1.content_hash)
    assert api.get(f"/resolve/{pid}@released").json()["version"] == 1
    assert api.get(f"/resolve/{pid}@v2").json()["content_hash"] == v2.content_hash
    assert api.get(f"/resolve/{pid}@2").json()["version"] == 2
    draft = api.get(f"/resolve/{pid}@draft").json()
    assert draft["version"] == "draft"
    assert draft["config"]["llm"]["temperature"] == 0.3
    error(api.get(f"/resolve/{pid}@v9"), 404, "not_found")
    error(api.get("/resolve/not-a-ref"), 404, "not_found")


def test_resolve_sends_an_etag_and_answers_304(api, live):
    agent, v1, _ = live
    response = api.get(f"/resolve/{agent.public_id}")
    assert response["ETag"] == f'"{v1.content_hash}"'
    again = api.get(f"/resolve/{agent.public_id}", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_an_unpublished_agent_cannot_be_resolved_or_started(api, agent):
    error(api.get(f"/resolve/{agent.public_id}"), 409, "agent_not_published")
    error(api.post("/conversations", {"agent": agent.public_id}), 409, "agent_not_published")
    assert api.get(f"/resolve/{agent.public_id}@draft").status_code == 200


def test_a_conversation_keeps_its_binding_across_releases_and_edits(api, live, user):
    agent, v1, v2 = live
    started = api.post("/conversations", {"agent": agent.public_id, "key": "+1555"})
    assert started.status_code == 201
    conversation = started.json()
    assert (conversation["version"], conversation["content_hash"]) == (1, v1.content_hash)
    releases.release_version(version=v2, user=user)
    later = api.get(f"/conversations/{conversation['id']}").json()
    assert later["version"] == 1
    assert later["config"] == v1.config
    assert api.post("/conversations", {"agent": agent.public_id}).json()["version"] == 2


def test_a_draft_conversation_keeps_the_draft_as_it_was(api, live, user):
    agent = live[0]
    first = api.post("/conversations", {"agent": f"{agent.public_id}@draft"}).json()
    second = api.post("/conversations", {"agent": f"{agent.public_id}@draft"}).json()
    # Stored once per content hash: the snapshot the draft's revision already holds.
    bound = Conversation.objects.filter(public_id__in=[first["id"], second["id"]])
    current = agent.revisions.get(number=Draft.objects.get(agent=agent).revision)
    assert {c.snapshot_id for c in bound} == {current.snapshot_id}
    assert ConfigSnapshot.objects.filter(content_hash=first["content_hash"]).count() == 1
    edit(agent, {"prompt": {"welcome_message": "Changed later"}}, user=user)
    again = api.get(f"/conversations/{first['id']}").json()
    assert again["version"] == "draft"
    assert again["config"]["prompt"]["welcome_message"] != "Changed later"
    assert again["content_hash"] == second["content_hash"]


def test_ending_a_conversation_once(api, live):
    agent = live[0]
    conversation = api.post("/conversations", {"agent": agent.public_id}).json()
    url = f"/conversations/{conversation['id']}/end"
    ended = api.post(
        url,
        {
            "outcome": "completed",
            "duration_s": 42.5,
            "sentiment": 0.4,
            "automated": True,
            "analysis": {"booked": True},
        },
    )
    assert ended.status_code == 200
    body = ended.json()
    assert (body["outcome"], body["duration_s"], body["analysis"]) == (
        "completed",
        42.5,
        {"booked": True},
    )
    assert body["version"] == 1
    error(api.post(url, {"outcome": "failed"}), 409, "already_ended")
    error(
        api.post(f"/conversations/{conversation['id']}/end", {"outcome": "exploded"}),
        422,
        "validation_error",
    )


def test_conversation_binding_is_enforced_by_the_database(live, api):
    from django.db import IntegrityError, connection, transaction

    agent, v1, v2 = live
    conversation_id = api.post("/conversations", {"agent": agent.public_id}).json()["id"]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agents_conversation SET version_id = %s WHERE public_id = %s",
            [v2.pk, conversation_id],
        )
    assert Conversation.objects.get(public_id=conversation_id).version_id == v1.pk


def test_listing_conversations_with_filters(api, live, user):
    agent, _v1, _v2 = live
    a = api.post("/conversations", {"agent": agent.public_id}).json()
    api.post("/conversations", {"agent": f"{agent.public_id}@v2"})
    api.post("/conversations", {"agent": f"{agent.public_id}@draft"})
    api.post(f"/conversations/{a['id']}/end", {"outcome": "transferred"})
    listing = api.get(f"/conversations?agent={agent.public_id}").json()["data"]
    assert [c["version"] for c in listing] == ["draft", 2, 1]
    assert [c["id"] for c in api.get("/conversations?version=1").json()["data"]] == [a["id"]]
    assert len(api.get("/conversations?version=draft").json()["data"]) == 1
    assert [c["id"] for c in api.get("/conversations?outcome=transferred").json()["data"]] == [
        a["id"]
    ]
    assert api.get("/conversations?limit=2").json()["next"]


def test_a_conversation_needs_exactly_one_of_agent_or_channel(api, live):
    error(api.post("/conversations", {}), 422, "validation_error")
    error(api.post("/conversations", {"channel": "ch_aaaaaaaaaa"}), 404, "not_found")


# ------------------------------------------------------------------ idempotency


def test_a_replayed_idempotency_key_returns_the_first_response(api, live):
    agent = live[0]
    edit(agent, {"llm": {"temperature": 1.9}})
    headers = {"Idempotency-Key": "save-1"}
    first = api.post(f"/agents/{agent.public_id}/versions", {"name": "Once"}, headers=headers)
    second = api.post(f"/agents/{agent.public_id}/versions", {"name": "Once"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert PublishedVersion.objects.filter(agent=agent).count() == 3


def test_the_same_key_with_a_different_body_is_422(api, live):
    agent = live[0]
    headers = {"Idempotency-Key": "k"}
    api.post(f"/agents/{agent.public_id}/release", {"version": 2}, headers=headers)
    err = error(
        api.post(f"/agents/{agent.public_id}/release", {"version": 1}, headers=headers),
        422,
        "validation_error",
    )
    assert "different request" in err["message"]
    assert ReleaseEvent.objects.filter(agent=agent).count() == 2


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/conversations", lambda a: {"agent": a.public_id}),
        ("/agents/{id}/restore", lambda a: {"version": 2}),
        ("/agents/{id}/release", lambda a: {"version": 2}),
    ],
)
def test_idempotent_posts_create_nothing_on_replay(api, live, path, body):
    agent = live[0]
    url = path.replace("{id}", agent.public_id)

    def counts():
        return (
            Conversation.objects.count(),
            ReleaseEvent.objects.count(),
            Draft.history.count(),
        )

    api.post(url, body(agent), headers={"Idempotency-Key": "same"})
    after_first = counts()
    replay = api.post(url, body(agent), headers={"Idempotency-Key": "same"})
    assert replay.status_code in (200, 201)
    assert counts() == after_first


def test_a_failed_request_does_not_burn_its_key(api, live):
    agent = live[0]
    headers = {"Idempotency-Key": "retry-me"}
    error(
        api.post(f"/agents/{agent.public_id}/versions", {"name": ""}, headers=headers),
        422,
        "validation_error",
    )
    assert not IdempotencyRecord.objects.exists()


# ------------------------------------------------------------------ query counts


def test_list_endpoints_cost_a_fixed_number_of_queries(
    api, live, make_agent, django_assert_max_num_queries
):
    for i in range(20):
        make_agent(f"More {i}")
    api.get("/agents")  # token lookup cached, last-used recorded
    with django_assert_max_num_queries(1):
        api.get("/agents")
    with django_assert_max_num_queries(2):
        api.get(f"/agents/{live[0].public_id}/versions")
    with django_assert_max_num_queries(2):
        api.get(f"/agents/{live[0].public_id}/releases")


def test_line_endings_in_a_body_are_stored_as_newlines(api, agent):
    response = api.patch(
        f"/agents/{agent.public_id}/draft",
        {"config": {"prompt": {"system_prompt": "One.\r\nTwo.\rThree.\n"}}},
    )
    assert response.status_code == 200, response.content
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt"]["system_prompt"] == "One.\nTwo.\nThree.\n"
