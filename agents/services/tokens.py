"""Creating and revoking API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.domain import tokens
from agents.domain.exceptions import InvalidInput
from agents.domain.permissions import ROLE_NAMES, VIEW_AGENT
from agents.domain.text import clean_text
from agents.models import ApiToken
from agents.selectors.tokens import forget
from agents.services.audit import audited
from agents.services.base import User, actor
from agents.services.placement import workspace_for_new


@audited("token.create")
def create_api_token(
    *,
    user: User,
    name: str = "",
    workspace: Any = None,
    role: Any = None,
    expires_at: Any = None,
    everywhere: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token for `user` acting in `workspace` (a Workspace or its id; by
    default their only one) with at most their role there, lowered to `role` when
    given, until `expires_at` if given. A superuser's token may act `everywhere`.
    Returns it and the secret, which is never stored."""
    if actor(user) is None:
        raise InvalidInput([{"path": "user", "message": "tokens belong to a real user"}])
    name = clean_text(name, path="name", required=False, max_length=100)
    if role not in (None, "") and role not in ROLE_NAMES:
        raise InvalidInput([{"path": "role", "message": f"must be one of {', '.join(ROLE_NAMES)}"}])
    if expires_at is not None and (
        not isinstance(expires_at, datetime) or expires_at <= timezone.now()
    ):
        raise InvalidInput([{"path": "expires_at", "message": "must be a time in the future"}])
    if everywhere:
        if not user.is_superuser:
            raise InvalidInput(
                [{"path": "workspace", "message": "only a superuser's token acts everywhere"}]
            )
        home = None
    else:
        home = workspace_for_new(user, workspace, perm=VIEW_AGENT)
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        user=user,
        workspace=home,
        role=role or "",
        expires_at=expires_at,
        name=name,
        prefix=secret[: tokens.PREFIX_LENGTH],
        token_hash=tokens.hash_secret(secret),
    )
    return token, secret


@audited("token.revoke", subject_arg="token")
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
