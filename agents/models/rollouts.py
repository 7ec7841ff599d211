"""Gradual rollouts on a channel and their event timeline (alerts: models/alerts.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.domain import metrics
from agents.models.agents import Agent
from agents.models.base import ImmutableModel, new_rollout_id, one_of, public_id_format
from agents.models.channels import Channel
from agents.models.scoping import ScopedManager
from agents.models.versions import PublishedVersion


class Rollout(models.Model):
    """A candidate version ramped up on a channel step by step against what the
    channel served before (the baseline), rolled back by itself when it is worse."""

    WORKSPACE = "agent__workspace"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ROLLED_BACK = "rolled_back", "Rolled back"
        ABORTED = "aborted", "Aborted"

    IN_FLIGHT = ("running", "paused")

    public_id = models.CharField(max_length=16, unique=True, default=new_rollout_id, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="rollouts")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="rollouts")
    baseline = models.JSONField()  # the channel's target before: "released", {"version": 2}, …
    candidate = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    steps = models.JSONField()  # increasing weights ending at 100: [5, 25, 50, 100]
    step = models.PositiveSmallIntegerField(default=0)  # index into steps
    min_conversations = models.PositiveIntegerField(default=200)
    min_minutes = models.PositiveIntegerField(default=30)
    # The rate the step's chart shows, and its allowed drop (the first guard on a rate).
    metric = models.CharField(max_length=20, default="completion_rate")
    max_drop = models.FloatField(default=0.05)
    # Every guard: [{"metric": "latency_ms", "max_increase": 300}, …] (domain/metrics);
    # any found worse rolls the rollout back.
    guards = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    step_started_at = models.DateTimeField(default=timezone.now)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="rollout_status")]
        constraints = [
            public_id_format("ro", "rollout_public_id_format"),
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(status__in=["running", "paused"]),
                name="one_rollout_in_flight_per_channel",
            ),
            one_of(
                "status",
                ["running", "paused", "completed", "rolled_back", "aborted"],
                "rollout_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_drop__gte=0) & Q(max_drop__lte=1), name="rollout_max_drop_range"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def title(self) -> str:
        """What a person recognises it by: `v3 on Clinic main line`."""
        return f"{self.candidate.label} on {self.channel.name}"

    @property
    def guard_list(self) -> list:
        """The guards as domain/metrics.Guard (a rollout from before guards: its one)."""
        raw = self.guards or [{"metric": self.metric, "max_drop": self.max_drop}]
        return metrics.parse_guards(raw)[0]

    @property
    def weight(self) -> int:
        """The candidate's share now (0 once rolled back or aborted)."""
        if self.status in (self.Status.ROLLED_BACK, self.Status.ABORTED):
            return 0
        if self.status == self.Status.COMPLETED:
            return 100
        return int(self.steps[self.step])


class RolloutEvent(ImmutableModel):
    """What happened to a rollout, when, by whom (None: the rule itself), and why."""

    WORKSPACE = "rollout__agent__workspace"

    rollout = models.ForeignKey(Rollout, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12)  # started advanced paused resumed completed …
    weight = models.PositiveSmallIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()
