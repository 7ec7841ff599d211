"""Django's Redis cache, made cheap per call and safe when Redis is down.

Cheap: Django's client builds a new `redis.Redis` for every command, and
redis-py builds its table of ~170 response callbacks in each constructor: about
0.15 ms per cache call, more than the network round trip. Clients are
thread-safe (they share the pool), so one per pool is kept and reused.

Safe: the cache only ever speeds things up; the database is the truth. When
Redis cannot be reached, every call degrades to a miss (reads) or a no-op
(writes) and the code behind it reads the database; the first failure is logged
and Redis is left alone for RETRY_AFTER_S before the next attempt, so a dead
server costs one connect timeout per few seconds, not one per request. Keys a
write could not reach (a release's new pointer, a revoked token) are
remembered and deleted first thing when Redis answers again, so nothing
stale outlives the outage in this process. Other processes, and this one after
a restart, learn of them from the database: the hooks registered with
`on_reachable` run on a process's first successful call and whenever Redis
answers again after failing (agents/models/runtime.py keeps those keys).
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("console.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_S = 5.0
MAX_PENDING = 100_000
_hooks: list = []


def on_reachable(hook) -> None:
    """Call `hook()` when a process first reaches Redis, and each time it answers
    again after an outage (hooks may use the cache: they are not re-entered)."""
    if hook not in _hooks:
        _hooks.append(hook)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._down_until = 0.0
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._caught_up = False  # the hooks ran since the last time Redis was reached
        self._in_hooks = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # -------------------------------------------------------------- degrading

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, method, keys, default, *args):
        if self._down_until and not self.available:
            self._remember(keys)
            return default
        if not self._caught_up:
            self._catch_up()  # before this call: it must not read what the hooks purge
        try:
            if self._pending:
                self._flush_pending()
            return method(*args)
        except UNREACHABLE as exc:
            self._trip(exc)
            self._remember(keys)
            return default

    def _catch_up(self) -> None:
        if getattr(self._in_hooks, "active", False):
            return
        self._caught_up = True
        self._in_hooks.active = True
        try:
            for hook in _hooks:
                hook()
        except Exception:
            logger.exception("a cache recovery hook failed")
        finally:
            self._in_hooks.active = False

    def _trip(self, exc: Exception) -> None:
        with self._lock:
            was_up = self.available
            self._caught_up = False
            self._down_until = time.monotonic() + RETRY_AFTER_S
        if was_up:
            logger.warning(
                "Redis is unreachable (%s: %s); reading from the database, retrying in %g s",
                type(exc).__name__,
                exc,
                RETRY_AFTER_S,
            )

    def _remember(self, keys) -> None:
        if keys and len(self._pending) < MAX_PENDING:
            with self._lock:
                self._pending.update(keys)

    def _flush_pending(self) -> None:
        with self._lock:
            keys, self._pending = list(self._pending), set()
        try:
            super().delete_many(keys)
        except UNREACHABLE:
            self._remember(keys)
            raise
        logger.warning(
            "Redis answers again; dropped %d entries written during the outage", len(keys)
        )

    def add(self, key, value, timeout):
        return self._call(super().add, [key], False, key, value, timeout)

    def get(self, key, default):
        return self._call(super().get, (), default, key, default)

    def set(self, key, value, timeout):
        return self._call(super().set, [key], None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call(super().touch, (), False, key, timeout)

    def delete(self, key):
        return self._call(super().delete, [key], False, key)

    def get_many(self, keys):
        return self._call(super().get_many, (), {}, keys)

    def has_key(self, key):
        return self._call(super().has_key, (), False, key)

    def set_many(self, data, timeout):
        return self._call(super().set_many, list(data), list(data), data, timeout)

    def delete_many(self, keys):
        return self._call(super().delete_many, list(keys), None, keys)

    def clear(self):
        return self._call(super().clear, (), False)


_clients: dict[tuple, ReusingRedisCacheClient] = {}
_clients_lock = threading.Lock()


class FastRedisCache(RedisCache):
    """Django makes a cache object per thread and per async context; an ASGI server
    running WSGI code gives every request a fresh context, so every request would
    otherwise open new connections. The client (its pools, its outage state) is
    kept once per process and location."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
            return client

    def validate_key(self, key):
        """Redis takes any key: the memcached checks Django runs by default (a pass over
        every character of every key, on every call) are skipped."""

    @property
    def available(self) -> bool:
        """Whether Redis answered the last time it was asked (for /readyz)."""
        return self._cache.available
