"""Keeping cached API principals honest when users, roles or permissions change,
whichever way they change (the admin, a shell, a migration)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_delete

from agents.services import tokens


def _user_saved(sender, instance, **kwargs) -> None:
    tokens.forget_tokens_of([instance.pk])


def _user_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups / user.user_permissions changed
        tokens.forget_tokens_of([instance.pk])
    elif pk_set:  # group.user_set / permission.user_set changed
        tokens.forget_tokens_of(pk_set)
    elif action == "post_clear":
        tokens.forget_tokens_of(instance.user_set.values_list("pk", flat=True))


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    groups = [instance.pk] if not reverse else list(pk_set or ())
    users = get_user_model().objects.filter(groups__in=groups).values_list("pk", flat=True)
    tokens.forget_tokens_of(users)


def connect() -> None:
    from agents.services import webhook_events

    webhook_events.connect()
    User = get_user_model()
    post_save.connect(_user_saved, sender=User, dispatch_uid="agents-user-saved")
    pre_delete.connect(_user_saved, sender=User, dispatch_uid="agents-user-deleted")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(_user_m2m_changed, sender=through, dispatch_uid=f"agents-{through}")
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="agents-group-permissions",
    )
