"""The Redis cache: one client per pool, a miss or a no-op while Redis is down, and the
keys a write could not reach deleted first when it answers again."""

import uuid

from django.core.cache.backends.redis import RedisCache

from console import cache as cache_module
from console.cache import FastRedisCache, on_reachable
from tests.api.conftest import REDIS_URL, require_redis


def cache_at(location: str) -> RedisCache:
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    prefix = f"test-{uuid.uuid4().hex}"
    return FastRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": prefix})


def test_redis_down_reads_miss_and_writes_do_nothing():
    cache = cache_at("redis://127.0.0.1:1/0")
    assert cache.get("pointer", "missed") == "missed"
    cache.set("pointer", "v2")
    assert cache.add("once", 1) is False
    assert cache.available is False


def test_a_write_that_missed_redis_is_deleted_when_it_answers_again():
    require_redis()
    cache = cache_at(REDIS_URL)
    cache.set("pointer", "v1")
    client = cache._cache
    assert client.get_client("pointer") is client.get_client("other")  # one per pool
    reached = []

    def hook():
        reached.append(True)

    on_reachable(hook)
    try:
        client._trip(OSError("connection refused"))  # as when a call finds Redis gone
        cache.set("pointer", "v2")  # cannot reach it: remembered
        assert "pointer" in {k.rsplit(":", 1)[-1] for k in client._pending}
        client._down_until = 0.0  # Redis answers again
        assert cache.get("pointer") is None  # the stale v1 was deleted first
        assert reached
        assert cache.available
    finally:
        cache_module._hooks.remove(hook)
