"""Bearer tokens for the JSON API.

A token is `ac_` + 43 random URL-safe characters. Only its SHA-256 is stored
(a fast hash is right for a random 256-bit secret), with a short prefix to
recognise it in lists. Lookups (with the user's `is_active` and permissions) are
cached for API_TOKEN_CACHE_SECONDS (5 s): in Redis, where a revocation or a
change of the user through the services deletes the entry when it commits, or
per process without Redis. A change made around the services (a bulk `update()`,
SQL) is therefore seen within that bound everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from agents.domain.tokens import hash_secret
from agents.models import ApiToken, PendingPurge
from agents.models.runtime import cache_reachable
from agents.selectors.base import one

LAST_USED_RESOLUTION_S = 60


def _key(token_hash: str) -> str:
    return f"auth:tok:{token_hash}"


def forget(*token_hashes: str) -> None:
    keys = [_key(h) for h in token_hashes]
    cache.delete_many(keys)
    if not cache_reachable():  # kept where every node (and a restart) finds them
        PendingPurge.objects.remember(keys)


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the token's user, with permissions loaded once."""

    user_id: int
    username: str
    token_id: int
    perms: frozenset[str]
    is_superuser: bool

    is_authenticated = True

    @property
    def pk(self) -> int:
        return self.user_id

    def has_perm(self, perm: str) -> bool:
        return self.is_superuser or perm in self.perms

    @cached_property
    def user(self):
        return get_user_model().objects.get(pk=self.user_id)


def authenticate(secret: str) -> Principal | None:
    """The principal for a bearer secret, or None if it is unknown, revoked or inactive."""
    return authenticate_with(secret)[0]


def authenticate_with(secret: str, also: tuple[str, ...] = ()) -> tuple[Principal | None, dict]:
    """authenticate(), also fetching the cache keys `also` in the same round trip.

    The runtime API's hot path uses it to read the token and the released
    pointer from a shared cache at once.
    """
    if not secret.startswith("ac_") or len(secret) > 200:
        return None, {}
    token_hash = hash_secret(secret)
    key = _key(token_hash)
    values = cache.get_many([key, *also]) if also else {key: cache.get(key)}
    found = values.pop(key, None)
    if found is None:
        found = _load(token_hash)
        # The bound for changes made around the services (a bulk update, SQL):
        # they reach every process within this; the services' own changes at once.
        cache.set(key, found, settings.API_TOKEN_CACHE_SECONDS)
    if found is False:
        return None, {}
    _touch(found.token_id)
    return found, values


def _load(token_hash: str) -> Principal | bool:
    token = (
        ApiToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return False
    user = token.user
    return Principal(
        user_id=user.pk,
        username=user.get_username(),
        token_id=token.pk,
        # A superuser holds every permission: kept empty, the cached entry stays small
        # (it is read on every API request).
        perms=frozenset() if user.is_superuser else frozenset(user.get_all_permissions()),
        is_superuser=user.is_superuser,
    )


_touched: dict[int, float] = {}  # token id -> when this process last considered recording use


def _touch(token_id: int) -> None:
    """Record use at most once a minute per token (the hot path stays read-only).

    A per-process clock spares the shared cache a round trip on most requests;
    the cache then makes sure one process of many writes.
    """
    now = time.monotonic()
    if now - _touched.get(token_id, -LAST_USED_RESOLUTION_S) < LAST_USED_RESOLUTION_S:
        return
    _touched[token_id] = now
    if cache.add(f"auth:used:{token_id}", 1, LAST_USED_RESOLUTION_S):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())


def tokens_of(user) -> list[ApiToken]:
    """A user's tokens, newest first (the console's API tokens page)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))


def token_of(user, token_id: int) -> ApiToken:
    """One of `user`'s tokens; UnknownReference for anyone else's."""
    return one(ApiToken.objects.filter(pk=token_id, user=user), f"No token {token_id}.")
