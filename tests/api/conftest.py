"""Fixtures of the API tests: a shared Redis cache, and an agent with v1 released."""

import os
import uuid

import pytest
from django.core.cache import cache

from agents.services import releases

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


def require_redis() -> None:
    """Skip the test without Redis, unless REQUIRE_REDIS=1 (CI) makes that a failure."""
    if not _redis_up():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"needs Redis at {REDIS_URL}")


@pytest.fixture
def with_redis(settings):
    require_redis()
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "console.cache.FastRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield
    cache.clear()


@pytest.fixture
def released(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.1}})
    v2 = make_version(agent, {"llm": {"temperature": 0.2}})
    releases.release_version(version=v1, user=user)
    return agent, v1, v2


@pytest.fixture
def changes_made(agent, make_version, make_agent, user):
    """Four changes: a release (seq 1), a channel made (2), a label moved (3), another
    agent's release (4). Returns the agent, the channel, the other agent and v2."""
    from agents.services import channels, labels, releases

    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)  # 1
    line = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)  # 2
    labels.move_label(agent=agent, name="staging", version=v2, user=user)  # 3
    other = make_agent("Shop chat")
    releases.release_version(version=make_version(other), user=user)  # 4
    return agent, line, other, v2
