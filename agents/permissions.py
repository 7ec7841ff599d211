"""What a user may do, computed once per request and used by views and templates alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from agents.domain.permissions import (
    CHANGE_AGENT,
    CREATE_AGENT,
    EDIT_DRAFT,
    MANAGE_CHANNELS,
    MANAGE_WEBHOOKS,
    RELEASE,
    SAVE_VERSION,
    VIEW_AGENT,
)

__all__ = [
    "CHANGE_AGENT",
    "CREATE_AGENT",
    "EDIT_DRAFT",
    "MANAGE_CHANNELS",
    "MANAGE_WEBHOOKS",
    "RELEASE",
    "SAVE_VERSION",
    "VIEW_AGENT",
    "Abilities",
    "require",
]


@dataclass(frozen=True)
class Abilities:
    view: bool
    edit: bool
    save_version: bool
    release: bool
    create: bool
    change_details: bool
    manage_channels: bool
    manage_webhooks: bool

    @classmethod
    def of(cls, user) -> Abilities:
        return cls(
            view=user.has_perm(VIEW_AGENT),
            edit=user.has_perm(EDIT_DRAFT),
            save_version=user.has_perm(SAVE_VERSION),
            release=user.has_perm(RELEASE),
            create=user.has_perm(CREATE_AGENT),
            change_details=user.has_perm(CHANGE_AGENT),
            manage_channels=user.has_perm(MANAGE_CHANNELS),
            manage_webhooks=user.has_perm(MANAGE_WEBHOOKS),
        )


def require(user, perm: str, *alternatives: str) -> None:
    """Refuse with 403 unless the user holds `perm` or one of `alternatives` (buttons
    are hidden too, but the server is what enforces)."""
    if not any(user.has_perm(p) for p in (perm, *alternatives)):
        raise PermissionDenied(f"You do not have permission: {' or '.join((perm, *alternatives))}")
