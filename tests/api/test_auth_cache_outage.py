"""Redis down never takes the API down; role and account changes reach tokens at once."""

import time
import uuid

import pytest
import redis
from django.core.cache import cache

from agents.models import ApiToken, Membership
from agents.selectors import runtime
from agents.services import releases, tokens
from tests.api.conftest import REDIS_URL
from tests.helpers import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, make_user):
    _, secret = tokens.create_api_token(user=make_user("Editor", "Releaser"), name="outage")
    return Api(client, secret)


@pytest.fixture
def dead_redis(settings):
    """The Redis cache pointed at a port nothing listens on."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "console.cache.FastRedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    runtime.clear_local()


def test_with_redis_down_the_api_serves_from_the_database(
    dead_redis, api, released, client, caplog
):
    agent = released[0]
    assert api.get("/agents").status_code == 200
    resolved = api.get(f"/resolve/{agent.public_id}")
    assert resolved.status_code == 200
    assert resolved.json()["version"] == 1
    started = api.post("/conversations", {"agent": agent.public_id})
    assert started.status_code == 201
    assert any("Redis is unreachable" in r.message for r in caplog.records)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "stream": "idle",
    }


def test_writes_made_while_redis_was_down_are_not_served_stale_after(
    with_redis,
    api,
    released,
    user,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    agent, _, v2 = released
    monkeypatch.setattr("console.cache.RETRY_AFTER_S", 0.0)
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 1  # cached

    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("connection refused")

    with monkeypatch.context() as outage:
        outage.setattr(redis.Redis, "execute_command", unreachable)
        with django_capture_on_commit_callbacks(execute=True):
            releases.release_version(version=v2, user=user)
        assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 2

    # Redis is back, still holding the pointer to v1 that the release could not replace.
    assert api.get(f"/resolve/{agent.public_id}").json()["version"] == 2


@pytest.mark.parametrize("change", ["deactivate", "drop_role", "shrink_role"])
def test_account_and_role_changes_reach_tokens_at_once(
    api, released, change, django_capture_on_commit_callbacks
):
    agent, v1, _ = released
    url = f"/agents/{agent.public_id}/release"
    assert api.get("/agents").status_code == 200  # the token's principal is now cached
    user = ApiToken.objects.get(name="outage").user
    membership = Membership.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "deactivate":
            user.is_active = False
            user.save()
        elif change == "drop_role":  # out of the token's workspace: the token is worthless
            membership.delete()
        else:
            membership.role = "editor"
            membership.save()
    expected = 403 if change == "shrink_role" else 401
    assert api.post(url, {"version": v1.number}).status_code == expected


def test_the_redis_fixture_uses_a_separate_prefix(with_redis):
    key = f"probe-{uuid.uuid4().hex}"
    cache.set(key, 1, 5)
    assert cache.get(key) == 1
    assert REDIS_URL


def test_a_user_deactivated_around_the_services_is_refused_within_the_bound(
    with_redis, api, settings
):
    """A bulk update (or SQL) tells no cache: the token's cached principal, with its
    `is_active`, lives API_TOKEN_CACHE_SECONDS (5 s by default), then the database is
    asked again."""
    assert settings.API_TOKEN_CACHE_SECONDS <= 5
    settings.API_TOKEN_CACHE_SECONDS = 1
    assert api.get("/agents").status_code == 200  # the principal is now cached
    ApiToken.objects.get(name="outage").user.__class__.objects.update(is_active=False)
    time.sleep(1.2)
    assert api.get("/agents").status_code == 401
