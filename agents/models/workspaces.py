"""Workspaces: who owns an agent, a prompt, a webhook or a token, and each member's
role there (API.md, "Workspaces, single sign-on and the audit log")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from agents.domain.permissions import ROLE_NAMES
from agents.models.base import new_workspace_id, one_of, public_id_format
from agents.models.scoping import ScopedManager


class Workspace(models.Model):
    """A team's corner of the console: its agents, prompts, channels, webhooks,
    judges, tokens and change requests, and the roles of its members."""

    public_id = models.CharField(
        max_length=16, unique=True, default=new_workspace_id, editable=False
    )
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_members", "Can manage a workspace's members")]
        constraints = [public_id_format("ws", "workspace_public_id_format")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's one role in one workspace."""

    WORKSPACE = "workspace"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=[(r, r.title()) for r in ROLE_NAMES])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager()

    class Meta:
        ordering = ["workspace", "user"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique"),
            one_of("role", list(ROLE_NAMES), "membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} in {self.workspace}"
