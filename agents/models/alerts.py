"""Alerts: regressions flagged automatically (a rollout rolled back by its rule, a
released version doing worse than the one it replaced), until a Releaser
acknowledges them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import new_alert_id, public_id_format
from agents.models.releases import ReleaseEvent
from agents.models.rollouts import Rollout
from agents.models.scoping import ScopedManager
from agents.models.versions import PublishedVersion


class Alert(models.Model):
    """A regression flagged automatically, until a Releaser acknowledges it."""

    WORKSPACE = "agent__workspace"

    class Kind(models.TextChoices):
        ROLLOUT_ROLLED_BACK = "rollout_rolled_back", "Rollout rolled back"
        VERSION_REGRESSION = "version_regression", "Version regression"

    public_id = models.CharField(max_length=16, unique=True, default=new_alert_id, editable=False)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    baseline_version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rollout = models.ForeignKey(
        Rollout, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    # A version_regression is about one release: the one that put `version` live.
    release = models.ForeignKey(
        ReleaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    metric = models.CharField(max_length=50)
    detail = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    acked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "acked_at"], name="alert_agent_open")]
        constraints = [
            public_id_format("al", "alert_public_id_format"),
            # Raised once per release, however many checks race to raise it.
            models.UniqueConstraint(
                fields=["release"],
                condition=Q(kind="version_regression"),
                name="one_regression_alert_per_release",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def title(self) -> str:
        """What a person recognises it by: `Clinic line: Rollout rolled back (v3)`."""
        return f"{self.agent.name}: {self.get_kind_display()} ({self.version.label})"
