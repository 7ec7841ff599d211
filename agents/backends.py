"""Permissions by workspace role: the authentication backend every permission check
goes through (`user.has_perm(perm)` or `user.has_perm(perm, obj)`).

The role asked is the user's in the workspace of `obj` when one is given (anything
with a `WORKSPACE` path, or a workspace), else in the scope's acting workspace (the
one chosen in the console's top bar, or a token's). Outside both, a user who is not
a superuser holds nothing: a check that forgets its workspace fails closed.
Groups grant nothing (roles were groups before migration 0030); permissions given to
a user directly in the admin hold where they have a role. It also checks local
passwords: with LOCAL_PASSWORDS off (single sign-on only), a superuser's still works,
as break glass, and is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from agents.domain.permissions import perms_of
from agents.models import Membership
from agents.models.scoping import current, workspace_id_of


def roles_of(user) -> dict[int, str]:
    """{workspace id: role} of `user`, read once per user object."""
    cached = getattr(user, "_workspace_roles", None)
    if cached is None:
        cached = dict(
            Membership._base_manager.filter(user_id=user.pk).values_list("workspace_id", "role")
        )
        user._workspace_roles = cached
    return cached


class WorkspaceRoleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """A local password; with LOCAL_PASSWORDS off, a superuser's only (break glass,
        recorded in the audit log)."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or settings.LOCAL_PASSWORDS:
            return user
        if not user.is_superuser:
            return None
        from agents.services import audit

        audit.record("login.break_glass", obj=user, user=user, detail="local password")
        return user

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        workspace_id = workspace_id_of(obj) if obj is not None else current().acting
        role = roles_of(user_obj).get(workspace_id) if workspace_id is not None else None
        if role is None:
            return set()
        # Permissions a superuser gave the user in the admin (support staff's model
        # permissions) hold in the workspaces they are a member of.
        return set(perms_of(role)) | self.get_user_permissions(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)
