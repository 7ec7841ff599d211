"""Keeping cached API principals honest when users or their workspace roles change,
whichever way they change (the services, the admin, a shell, a migration)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete

from agents.services import tokens


def _user_saved(sender, instance, **kwargs) -> None:
    tokens.forget_tokens_of([instance.pk])


def _membership_changed(sender, instance, **kwargs) -> None:
    tokens.forget_tokens_of([instance.user_id])


def connect() -> None:
    from agents.models import Membership
    from agents.services import webhook_events

    webhook_events.connect()
    User = get_user_model()
    post_save.connect(_user_saved, sender=User, dispatch_uid="agents-user-saved")
    pre_delete.connect(_user_saved, sender=User, dispatch_uid="agents-user-deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _membership_changed, sender=Membership, dispatch_uid=f"agents-membership-{name}"
        )
