"""Creating workspaces, and who works in them with which role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain.exceptions import InvalidInput, InvalidState
from agents.domain.permissions import ADMIN, MANAGE_MEMBERS, ROLE_NAMES
from agents.domain.text import clean_text
from agents.models import Membership, Workspace
from agents.selectors import workspaces as selectors
from agents.services.audit import audited
from agents.services.base import User
from agents.services.tokens import forget_tokens_of


@audited("workspace.create")
def create_workspace(*, name: Any, user: User) -> Workspace:
    """A new, empty workspace (superusers only)."""
    if user is None or not getattr(user, "is_superuser", False):
        raise PermissionDenied("Only a superuser creates workspaces.")
    name = clean_text(name, path="name", required=True, max_length=100)
    with transaction.atomic():
        if Workspace.objects.filter(name__iexact=name).exists():
            raise InvalidInput([{"path": "name", "message": f"{name} is taken"}])
        return Workspace.objects.create(name=name)


def _check_role(role: Any) -> str:
    if role not in ROLE_NAMES:
        raise InvalidInput([{"path": "role", "message": f"must be one of {', '.join(ROLE_NAMES)}"}])
    return role


def _require_admin(workspace: Workspace, user: User) -> None:
    if user is None or not user.has_perm(MANAGE_MEMBERS, workspace):
        raise PermissionDenied(f"Only an admin of {workspace.name} manages its members.")


def _keeps_an_admin(workspace: Workspace, leaving: Membership) -> None:
    if leaving.role != ADMIN:
        return
    others = Membership._base_manager.filter(workspace=workspace, role=ADMIN).exclude(pk=leaving.pk)
    if not others.exists():
        raise InvalidState(
            f"{workspace.name} would have no admin left: make someone else admin first."
        )


@audited("member.set")
def set_member(*, workspace: Workspace, username: Any, role: Any, user: User) -> Membership:
    """Give `username` `role` in `workspace` (adding them if they are not a member)."""
    _require_admin(workspace, user)
    role = _check_role(role)
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise InvalidInput([{"path": "username", "message": f"no active user {username}"}])
    with transaction.atomic():
        membership = (
            Membership._base_manager.select_for_update()
            .filter(workspace=workspace, user=person)
            .first()
        )
        if membership is None:
            membership = Membership.objects.create(workspace=workspace, user=person, role=role)
        elif membership.role != role:
            if role != ADMIN:
                _keeps_an_admin(workspace, membership)
            membership.role = role
            membership.save(update_fields=["role"])
        forget_tokens_of([person.pk])
    return membership


@audited("member.remove", subject_arg="workspace")
def remove_member(*, workspace: Workspace, username: Any, user: User) -> None:
    """Take `username` out of `workspace` (their tokens there stop working)."""
    _require_admin(workspace, user)
    with transaction.atomic():
        membership = selectors.member(workspace, username)
        _keeps_an_admin(workspace, membership)
        Membership._base_manager.filter(pk=membership.pk).delete()
        forget_tokens_of([membership.user_id])
