"""The hot path: query counts, both cache setups, invalidation, token caching, probes."""

import time

import pytest
from django.core.cache import cache

from agents.models import ApiToken
from agents.selectors import runtime
from agents.selectors import tokens as tokens_selectors
from agents.services import releases, tokens, versions
from tests.helpers import Api, edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, make_user):
    _, secret = tokens.create_api_token(user=make_user("Viewer"), name="runtime")
    return Api(client, secret)


def test_with_local_memory_resolve_reads_only_the_pointer(api, released, django_assert_num_queries):
    agent = released[0]
    api.get(f"/resolve/{agent.public_id}")  # warm: token, configuration
    with django_assert_num_queries(1):
        response = api.get(f"/resolve/{agent.public_id}")
    assert response.json()["version"] == 1
    api.get(f"/resolve/{agent.public_id}@v2")
    with django_assert_num_queries(0):
        api.get(f"/resolve/{agent.public_id}@v2")  # versions never move: fully cached


def test_with_local_memory_a_cold_resolve_costs_two_queries(
    api, released, django_assert_max_num_queries
):
    api.get(f"/resolve/{released[0].public_id}@v2")  # token cached
    with django_assert_max_num_queries(2):
        api.get(f"/resolve/{released[0].public_id}")


def test_with_local_memory_starting_a_conversation_costs_pointer_insert_and_count(
    api, released, django_assert_num_queries
):
    """The released pointer, the conversation, and its day's count (models/metrics)."""
    agent = released[0]
    api.post("/conversations", {"agent": agent.public_id})
    with django_assert_num_queries(3):
        assert api.post("/conversations", {"agent": agent.public_id}).status_code == 201


def test_with_local_memory_a_release_is_seen_at_once(api, released, user):
    agent, _v1, v2 = released
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 1
    releases.release_version(version=v2, user=user)
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 2
    edit(agent, {"llm": {"temperature": 1.7}}, user=user)
    assert (
        api.get(f"/resolve/{agent.public_id}@draft").json()["config"]["llm"]["temperature"] == 1.7
    )


def test_with_redis_a_warm_resolve_needs_no_sql(
    with_redis, api, released, django_assert_num_queries
):
    agent = released[0]
    for ref in ("", "@draft", "@v2", "@r1"):
        api.get(f"/resolve/{agent.public_id}{ref}")
    with django_assert_num_queries(0):
        assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 1
        assert api.get(f"/resolve/{agent.public_id}@draft").status_code == 200
        assert api.get(f"/resolve/{agent.public_id}@v2").status_code == 200
        assert api.get(f"/resolve/{agent.public_id}@r1").json()["version"] == "r1"


def test_with_redis_releases_and_edits_are_never_served_stale(
    with_redis, api, released, user, django_capture_on_commit_callbacks
):
    agent, v1, v2 = released
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 1
    assert api.get(f"/resolve/{agent.public_id}@draft").json()["content_hash"] == v2.content_hash
    with django_capture_on_commit_callbacks(execute=True):
        releases.release_version(version=v2, user=user)
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        edit(agent, {"prompt": {"welcome_message": "New words"}}, user=user)
    draft = api.get(f"/resolve/{agent.public_id}@draft").json()
    assert draft["config"]["prompt"]["welcome_message"] == "New words"
    with django_capture_on_commit_callbacks(execute=True):
        versions.restore_version(version=v1, user=user)
    assert api.get(f"/resolve/{agent.public_id}@draft").json()["content_hash"] == v1.content_hash


def test_with_redis_a_reader_that_raced_a_write_cannot_poison_the_cache(with_redis, released, user):
    """A slow reader read the pointer before a release committed and stores it late:
    readers only `add`, and the write refreshed the entry after committing."""
    agent, _v1, v2 = released
    stale = runtime._released_entry(agent.public_id)
    releases.release_version(version=v2, user=user)
    runtime.refresh(agent.public_id)  # what on_commit runs
    cache.add(f"{runtime.KEY}:rel:{agent.public_id}", stale, 3600)
    assert runtime.resolve(agent.public_id).version == 2


def test_with_redis_a_refresh_overwrites_what_a_reader_stored_first(with_redis, released, user):
    agent, _v1, v2 = released
    assert runtime.resolve(agent.public_id).version == 1  # cached
    releases.release_version(version=v2, user=user)
    assert runtime.resolve(agent.public_id).version == 1  # not committed-and-refreshed yet
    runtime.refresh(agent.public_id)
    assert runtime.resolve(agent.public_id).version == 2


def test_with_redis_a_revoked_token_is_refused_at_once(
    with_redis, api, user, django_capture_on_commit_callbacks
):
    assert api.get("/resolve/ag_aaaaaaaaaa").status_code == 404  # cached as valid
    with django_capture_on_commit_callbacks(execute=True):
        tokens.revoke_api_token(token=ApiToken.objects.get(), user=user)
    assert api.get("/resolve/ag_aaaaaaaaaa").status_code == 401


def test_with_local_memory_a_revocation_elsewhere_is_seen_within_ten_seconds(
    api, monkeypatch, settings
):
    assert settings.API_TOKEN_CACHE_SECONDS <= 10
    assert api.get("/agents").status_code == 200
    # Another process revokes: this process's cache is not told.
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api.get("/agents").status_code == 200
    later = time.time() + settings.API_TOKEN_CACHE_SECONDS + 0.5
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    assert api.get("/agents").status_code == 401


def test_an_inactive_user_s_token_is_refused(api, make_user):
    token = ApiToken.objects.get()
    token.user.is_active = False
    token.user.save()
    cache.clear()
    assert api.get("/agents").status_code == 401


def test_authenticate_ignores_things_that_are_not_tokens():
    assert tokens_selectors.authenticate("Basic abc") is None
    assert tokens_selectors.authenticate("ac_" + "x" * 500) is None
