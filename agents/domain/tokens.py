"""API token secrets: `ac_` + 43 random URL-safe characters; only a hash is kept."""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 10  # "ac_" + 7 characters: enough to recognise a token in a list


def new_secret() -> str:
    return "ac_" + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256: a fast hash is right for a random 256-bit secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
