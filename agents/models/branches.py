"""Branches: a named draft of an agent of its own, started from the draft, a version,
a revision or a label, edited without touching the main draft (API.md, "Branches
and change requests"). A branch's saves are revisions in the agent's one `rN`
sequence (DraftRevision.branch names it); deleting a branch keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.scoping import ScopedManager
from agents.models.versions import ConfigSnapshot, PublishedVersion

BRANCH_NAME = r"^[a-z][a-z0-9-]{0,39}$"


class Branch(models.Model):
    """A branch's draft, with every field the main draft has (so one set of services,
    views and API shapes serve both), and where it started (its base, which a merge
    compares both sides against)."""

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(max_length=40)
    config = models.JSONField()
    revision = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    restored_from = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_from_revision = models.PositiveIntegerField(null=True, blank=True)
    # Where it started: the reference as given, what it named then, and the content.
    base_ref = models.CharField(max_length=60)
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    base_version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base_snapshot = models.ForeignKey(ConfigSnapshot, on_delete=models.PROTECT, related_name="+")
    base_content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Merged by its change request: read-only from then on.
    merged_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["agent_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "name"],
                condition=Q(deleted_at__isnull=True),
                name="branch_name_unique_while_kept",
            ),
            models.CheckConstraint(condition=Q(name__regex=BRANCH_NAME), name="branch_name_format"),
        ]

    def __str__(self) -> str:
        return f"draft:{self.name} of agent {self.agent_id}"

    @property
    def ref(self) -> str:
        return f"draft:{self.name}"
