"""Creating workspaces, and who works in them with which role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain.exceptions import InvalidInput, InvalidState
from agents.domain.permissions import ADMIN, MANAGE_MEMBERS, ROLE_NAMES, rank
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


def mapped_roles(groups: list[str], role_map: dict[str, str]) -> dict[str, str]:
    """{workspace name: role} from a groups claim and OIDC_ROLE_MAP ({group:
    "Workspace:role"}): the highest role any of the groups maps to, per workspace."""
    found: dict[str, str] = {}
    for group in groups:
        target = role_map.get(group)
        if not isinstance(target, str) or ":" not in target:
            continue
        name, _, role = target.rpartition(":")
        if role in ROLE_NAMES and rank(role) > rank(found.get(name)):
            found[name] = role
    return found


@audited("member.sso", subject_arg="user")
def sync_sso_roles(*, user, groups: list[str], role_map: dict[str, str]) -> list[Membership]:
    """Give `user` the roles their identity provider's groups map to, in the workspaces
    the map names (made if need be), and take away their role in a mapped workspace
    none of their groups maps to now. Workspaces the map does not name are left as
    their admins set them."""
    wanted = mapped_roles(groups, role_map)
    managed = {t.rpartition(":")[0] for t in role_map.values() if isinstance(t, str)}
    kept = []
    with transaction.atomic():
        for name in sorted(managed):
            workspace = Workspace.objects.filter(name=name).first()
            if workspace is None and name not in wanted:
                continue
            if workspace is None:
                workspace = Workspace.objects.create(name=name)
            role = wanted.get(name)
            if role is None:
                Membership._base_manager.filter(workspace=workspace, user=user).delete()
                continue
            membership, _ = Membership._base_manager.update_or_create(
                workspace=workspace, user=user, defaults={"role": role}
            )
            kept.append(membership)
        forget_tokens_of([user.pk])
    return kept


@audited("user.create")
def create_sso_user(*, username: str, email: str):
    """A user made by their first single sign-on: no password (they log in through the
    identity provider only)."""
    return get_user_model().objects.create_user(username, email=email)
