"""Probes for load balancers and orchestrators (no login, no session)."""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from agents.services import broadcast


@login_not_required
@never_cache
def healthz(request):
    """The process is alive. Touches no database."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def readyz(request):
    """The database answers (else 503); and whether the cache and the stream's Redis
    do. Without them the service still works, reading the database: 200 with
    `"status": "degraded"`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return JsonResponse(
            {"status": "unavailable", "database": "unavailable", "error": type(exc).__name__},
            status=503,
        )
    cache_ok = _cache_answers()
    stream = broadcast.stream_mode()
    # With Redis configured, a stream reading the database means Redis is away.
    stream_ok = stream != "polling" or not settings.REDIS_URL
    return JsonResponse(
        {
            "status": "ok" if cache_ok and stream_ok else "degraded",
            "database": "ok",
            "cache": "ok" if cache_ok else "unavailable",
            # How this process's stream hears of changes: "redis", "polling" (no
            # Redis, or Redis down: the database every STREAM_POLL_S), or "idle".
            "stream": stream,
        }
    )


def _cache_answers() -> bool:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, 5)  # the Redis cache degrades to a no-op when Redis is down
    found = cache.get(key) == 1
    cache.delete(key)
    return found
