"""Creating and revoking API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agents.domain import tokens
from agents.domain.exceptions import InvalidInput
from agents.domain.text import clean_text
from agents.models import ApiToken
from agents.selectors.tokens import forget
from agents.services.base import User, actor


def create_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it and the secret, which is never stored."""
    if actor(user) is None:
        raise InvalidInput([{"path": "user", "message": "tokens belong to a real user"}])
    name = clean_text(name, path="name", required=False, max_length=100)
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: tokens.PREFIX_LENGTH],
        token_hash=tokens.hash_secret(secret),
    )
    return token, secret


def revoke_api_token(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke a token: refused from the moment this returns (shared cache) or within
    API_TOKEN_CACHE_SECONDS (per-process cache)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            transaction.on_commit(lambda: forget(locked.token_hash))
    return locked


def forget_tokens_of(user_ids) -> None:
    """Drop the cached principals of these users' tokens, after the change that calls it
    commits: deactivating a user or changing their roles reaches their tokens at once
    (shared cache), or within API_TOKEN_CACHE_SECONDS in other processes."""
    hashes = list(
        ApiToken.objects.filter(user_id__in=list(user_ids)).values_list("token_hash", flat=True)
    )
    if hashes:
        transaction.on_commit(lambda: forget(*hashes))
