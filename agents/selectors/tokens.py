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
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from agents.domain.permissions import at_most, perms_of
from agents.domain.tokens import hash_secret
from agents.models import ApiToken, Membership, PendingPurge
from agents.models.runtime import cache_reachable
from agents.models.scoping import workspace_id_of
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
    """Who a request acts as: the token's user in the token's workspace (None: every
    workspace, a superuser's token), with the permissions of the token's role there,
    loaded once."""

    user_id: int
    username: str
    token_id: int
    perms: frozenset[str]
    is_superuser: bool
    workspace_id: int | None = None
    workspace: str = ""  # its ws_… id
    role: str | None = None  # in that workspace (None: a superuser's)
    expires_at: datetime | None = None

    is_authenticated = True

    @property
    def pk(self) -> int:
        return self.user_id

    def has_perm(self, perm: str, obj=None) -> bool:
        """Whether the token may `perm` (in its workspace: the scope keeps every other
        workspace's rows out of reach, `obj` is always one of its own)."""
        outside = self.workspace_id is not None and workspace_id_of(obj) not in (
            None,
            self.workspace_id,
        )
        if obj is not None and outside:
            return False
        return self.is_superuser or perm in self.perms

    @property
    def visible(self) -> frozenset[int] | None:
        return None if self.workspace_id is None else frozenset([self.workspace_id])

    @cached_property
    def user(self):
        """The token's user, whose permission checks are the token's: its workspace
        and role (services ask the user)."""
        user = get_user_model().objects.get(pk=self.user_id)
        if not self.is_superuser and self.workspace_id is not None:
            user._workspace_roles = {self.workspace_id: self.role}
        return user


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
    if found is False or (found.expires_at is not None and found.expires_at <= timezone.now()):
        return None, {}
    _touch(found.token_id)
    return found, values


def _load(token_hash: str) -> Principal | bool:
    token = (
        ApiToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("user", "workspace")
        .first()
    )
    if token is None or not token.user.is_active:
        return False
    user = token.user
    if user.is_superuser:
        # Every permission: kept empty, the cached entry stays small (it is read on
        # every API request).
        perms, role = frozenset(), None
    else:
        held = Membership._base_manager.filter(user=user, workspace_id=token.workspace_id)
        role = at_most(held.values_list("role", flat=True).first(), token.role or None)
        if role is None:  # no longer a member there: the token is worth nothing
            return False
        perms = perms_of(role)
    return Principal(
        user_id=user.pk,
        username=user.get_username(),
        token_id=token.pk,
        perms=perms,
        is_superuser=user.is_superuser,
        workspace_id=token.workspace_id,
        workspace=token.workspace.public_id if token.workspace else "",
        role=role,
        expires_at=token.expires_at,
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
    return list(
        ApiToken.objects.filter(user=user).select_related("workspace").order_by("-created_at")
    )


def token_of(user, token_id: int) -> ApiToken:
    """One of `user`'s tokens; UnknownReference for anyone else's."""
    return one(ApiToken.objects.filter(pk=token_id, user=user), f"No token {token_id}.")
