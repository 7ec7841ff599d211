"""Published versions (immutable, numbered), the release log and frozen snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import ImmutableModel


class PublishedVersion(ImmutableModel):
    """An immutable, numbered snapshot of a draft (v1, v2, … per agent, no gaps)."""

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
            models.UniqueConstraint(fields=["agent", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(condition=~Q(name=""), name="version_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    @property
    def label(self) -> str:
        return f"v{self.number}"


class ReleaseEvent(ImmutableModel):
    """Append-only log of what was released, by whom and when."""

    class Kind(models.TextChoices):
        RELEASE = "release", "Release"
        ROLLBACK = "rollback", "Rollback"

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="release_events")
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    previous_version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    # When the agent requires a passing eval run: what was missing or failing at
    # release time, and the Releaser's note when they released anyway.
    gate_findings = models.JSONField(default=list, blank=True)
    gate_override_note = models.TextField(blank=True)
    # Which pointer moved: `released`, or a label such as `staging`.
    label = models.CharField(max_length=32, default="released")
    # How approvals were satisfied when the agent requires them: the request that
    # was approved, or a recorded exception (an undo; a superuser's break glass).
    request = models.ForeignKey(
        "ReleaseRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    break_glass_note = models.TextField(blank=True)
    # "", "undo", "break_glass", "rollout" (a completing rollout moved the pointer)
    approval_bypass = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-released_at"], name="release_agent_time"),
            models.Index(fields=["agent", "label", "-released_at"], name="release_agent_label"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["release", "rollback"]), name="release_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        previous = f"v{self.previous_version.number}" if self.previous_version_id else "nothing"
        return f"{self.get_kind_display()} {previous} → v{self.version.number}"


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
