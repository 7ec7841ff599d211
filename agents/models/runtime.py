"""Cache entries a write could not refresh because the shared cache was unreachable.

The runtime cache (Redis) holds each agent's moving pointers; a release refreshes
them after it commits. When Redis cannot be reached then, the entry it could not
replace would be served until its time runs out. So the key is written here, in
the same database every node shares, and deleted from Redis by whichever process
next finds Redis answering: any process on its first cache call (a restart
included), one that sees Redis come back, and the worker's sweep.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, models, transaction

logger = logging.getLogger("console.cache")

FLUSH_BATCH = 5_000


def cache_reachable() -> bool:
    """False when the shared cache failed its last call (local memory: always True)."""
    return getattr(cache, "available", True)


class PendingPurgeManager(models.Manager):
    def remember(self, keys) -> None:
        """Keep `keys` for deletion from the shared cache once it answers again."""
        rows = [PendingPurge(key=key[:250]) for key in keys]
        try:
            self.bulk_create(rows, ignore_conflicts=True)
        except DatabaseError:
            logger.exception("could not record %d cache keys to purge", len(rows))

    def flush(self) -> int:
        """Delete every remembered key from the shared cache, then forget the ones it
        took; returns how many. Safe to run anywhere, any number of times."""
        done = 0
        try:
            with transaction.atomic():
                while True:
                    keys = list(self.order_by("key").values_list("key", flat=True)[:FLUSH_BATCH])
                    if not keys:
                        break
                    cache.delete_many(keys)
                    if not cache_reachable():
                        break
                    self.filter(key__in=keys).delete()
                    done += len(keys)
                    if len(keys) < FLUSH_BATCH:
                        break
        except (DatabaseError, RuntimeError):  # no table yet, or no database access here
            return done
        if done:
            logger.warning("purged %d cache entries that writes could not refresh", done)
        return done


class PendingPurge(models.Model):
    key = models.CharField(max_length=250, primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PendingPurgeManager()

    class Meta:
        verbose_name = "pending cache purge"

    def __str__(self) -> str:
        return self.key
