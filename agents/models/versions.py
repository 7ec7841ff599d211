"""Published versions (immutable, numbered) and frozen snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import ImmutableModel, numbered_per_agent


class PublishedVersion(ImmutableModel):
    """An immutable, numbered snapshot of a draft (v1, v2, … per agent, no gaps)."""

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    config = models.JSONField()
    content_hash = models.CharField(max_length=64, db_index=True)
    schema_version = models.PositiveSmallIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "published version"
        ordering = ["agent_id", "-number"]
        constraints = [
            *numbered_per_agent("version"),
            models.CheckConstraint(condition=~Q(name=""), name="version_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    @property
    def label(self) -> str:
        return f"v{self.number}"


class ConfigSnapshot(ImmutableModel):
    """A frozen configuration stored once per content hash (conversations bound to a draft)."""

    content_hash = models.CharField(max_length=64, unique=True)
    config = models.JSONField()
    schema_version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "configuration snapshot"

    def __str__(self) -> str:
        return f"snapshot {self.content_hash[:12]}"
