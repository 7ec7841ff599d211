"""Hostile input to the API is a clear 4xx JSON error that changes nothing, never a 500."""

import pytest

from agents.models import Agent, Draft
from agents.services import agents, channels, releases, versions
from tests.helpers import error

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(agent, make_version, user):
    version = make_version(agent)
    releases.release_version(version=version, user=user)
    return agent


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ('{"name": "a\\u0000b"}', 422, "validation_error"),
        ('{"name": "\\udb8e\\udc58X\\udb64"}', 422, "validation_error"),
        ('{"name": "ok", "config": {"llm": {"temperature": 1e309}}}', 400, "bad_request"),
        ('{"name": "ok", "config": {"llm": {"temperature": NaN}}}', 400, "bad_request"),
        ('{"name": "ok", "config": {"llm": {"temperature": -Infinity}}}', 400, "bad_request"),
        ('{"name": "ok", "config": {"x": ' + "[" * 500 + "]" * 500 + "}}", 400, "bad_request"),
        ('{"name": "ok", "description": ' + "1" * 5000 + "}", 400, "bad_request"),
        ('{"name": "ok", "config": {"llm": {"max_tokens": 99999999999999999999}}}', 422, None),
    ],
)
def test_bodies_that_cannot_be_stored_are_refused(api, raw, status, code):
    response = api.post("/agents", raw=raw)
    err = error(response, status, code or "validation_error")
    assert not Agent.objects.exists()
    if status == 422:
        assert err["details"][0]["path"]


def test_the_path_of_a_nul_in_a_body_is_named(api):
    err = error(
        api.post("/agents", {"name": "ok", "description": "x\x00"}), 422, "validation_error"
    )
    assert err["details"] == [{"path": "description", "message": "must not contain NUL characters"}]


def test_json_bodies_need_a_json_content_type(api, released):
    response = api.client.post(
        "/api/v1/agents",
        data='{"name": "Sneaky"}',
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    err = error(response, 400, "bad_request")
    assert "Content-Type: application/json" in err["message"]
    assert not Agent.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/release", {"version": True}),
        ("/release", {"version": "1"}),
        ("/release", {"version": 1.5}),
        ("/restore", {"version": 1, "expected_draft_revision": False}),
        ("/restore", {"version": 1, "expected_draft_revision": "2"}),
        ("/versions", {"name": "x", "expected_draft_revision": True}),
    ],
)
def test_types_are_strict(api, released, path, body):
    before = Draft.objects.get(agent=released).revision
    error(api.post(f"/agents/{released.public_id}{path}", body), 422, "validation_error")
    assert Draft.objects.get(agent=released).revision == before


def test_integers_written_with_a_zero_fraction_are_integers(api, released, make_version):
    """JSON Schema's integers include `2.0`: the document promises them, so they are
    taken (`true` and `"2"` still are not)."""
    make_version(released)
    pid = released.public_id
    assert api.put(f"/agents/{pid}/labels/staging", {"version": 2.0}).status_code == 200
    assert api.patch(f"/agents/{pid}", {"approvals_required": 0.0}).status_code == 200
    restored = api.post(f"/agents/{pid}/restore", {"version": 1.0})
    assert restored.status_code == 200, restored.content
    channel = api.post("/channels", {"name": "Line", "kind": "web", "agent": pid})
    started = api.post(
        f"/channels/{channel.json()['id']}/rollouts",
        {"candidate": {"version": 2.0}, "steps": [50.0, 100], "min_conversations": 10.0},
    )
    assert started.status_code == 201, started.content
    assert started.json()["steps"] == [50, 100]


def test_the_document_states_the_text_rules(client):
    """Names, notes and comments refuse control characters; every request string NUL."""
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    name = schemas["AgentCreate"]["properties"]["name"]
    assert name["pattern"] == "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
    url = schemas["WebhookIn"]["properties"]["url"]
    assert url["pattern"] == "^[^\\x00]*$"
    assert "pattern" not in schemas["AgentOut"]["properties"]["name"]  # answers are as stored


@pytest.mark.parametrize("header", ['"²"', '"¹"', '"' + "9" * 5000 + '"', '"-1"', "false"])
def test_an_unreadable_if_match_is_a_400(api, released, header):
    response = api.patch(
        f"/agents/{released.public_id}/draft",
        {"config": {"llm": {"temperature": 0.4}}},
        headers={"If-Match": header},
    )
    error(response, 400, "bad_request")


@pytest.mark.parametrize(
    "query",
    [
        "/agents?search=a%00",
        "/agents?offset=99999999999999999999999",
        "/agents?limit=%C2%B2",
        "/conversations?version=%C2%B2",
        "/conversations?version=v99999999999999",
        "/agents/ag_aaaaaaaaaa%00/versions",
    ],
)
def test_hostile_queries_and_paths_are_422_or_404(api, released, query):
    response = api.get(query)
    assert response.status_code in (404, 422), response.content
    assert response.json()["error"]["code"] in ("not_found", "validation_error")


@pytest.mark.parametrize(
    "at",
    ["2026-01-01T00:00:00%2B25:00", "9999-12-31T23:59:59-23:59", "2026-13-45T00:00:00Z", "0.5"],
)
def test_moments_out_of_range_are_422(api, released, user, at):
    channel = channels.create_channel(user=user, name="Main", kind="web", agent=released)
    response = api.get(f"/channels/{channel.public_id}/as-of?at={at}")
    error(response, 422, "validation_error")


def test_a_channel_target_beyond_any_version_is_422(api, released):
    body = {"name": "Big", "kind": "web", "agent": released.public_id}
    for target in ({"version": 10**30}, {"version": 2**40}):
        response = api.post("/channels", {**body, "target": target})
        assert response.status_code == 422, response.content


def test_a_query_parameter_given_twice_is_422(api):
    err = error(api.get("/agents?offset=1&offset=2"), 422, "validation_error")
    assert err["details"] == [{"path": "offset", "message": "given more than once"}]


@pytest.mark.parametrize("body", ["[null, null]", "[]", '"text"', "3", "null"])
def test_a_body_that_is_no_object_is_422(api, released, body):
    """A list was read as an object with none of its optional fields set (200)."""
    pid = released.public_id
    for path in (f"/agents/{pid}", f"/agents/{pid}/draft"):
        found = error(api.call("PATCH", path, raw=body), 422, "validation_error")
        assert found["details"] == [{"path": "", "message": "the body must be a JSON object"}]


@pytest.mark.parametrize("name", ["\x0bSupport", "Support\x1f", "\x85Support"])
def test_a_control_character_strip_would_drop_is_refused_too(api, name):
    """The document says names hold no control character; one at either end was
    stripped and accepted."""
    found = error(api.post("/agents", {"name": name}), 422, "validation_error")
    assert found["details"] == [{"path": "name", "message": "must not contain control characters"}]


def test_a_moment_is_iso_text_never_a_number(api, released, make_version):
    """Lax parsing read `"at": 0` as 1970 (and a prompt's release ignored `at`)."""
    make_version(released)
    found = error(
        api.post(f"/agents/{released.public_id}/release", {"version": 2, "at": 0}),
        422,
        "validation_error",
    )
    assert found["details"][0]["path"] == "at"
    prompt = agents.create_agent(name="Notice", user=released.created_by, kind="prompt")
    versions.save_version(agent=prompt, name="First", user=released.created_by)
    at = "2030-01-01T06:00:00Z"
    body = {"version": 1, "at": at}
    found = error(api.post(f"/prompts/{prompt.public_id}/release", body), 422, "validation_error")
    assert found["details"][0]["path"] == "at"
    assert "released now" in found["details"][0]["message"]
