"""Releases: the release log (every move of `released` or a label), labels beside
`released`, four-eyes release requests, and releases scheduled for a moment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.models.agents import Agent
from agents.models.base import (
    ImmutableModel,
    new_request_id,
    new_schedule_id,
    one_of,
    public_id_format,
)
from agents.models.scoping import ScopedManager
from agents.models.versions import PublishedVersion

RELEASED = "released"  # the built-in, protected label: Agent.released_version


class ReleaseEvent(ImmutableModel):
    """Append-only log of what was released, by whom and when."""

    WORKSPACE = "agent__workspace"

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
            one_of("kind", ["release", "rollback"], "release_kind_valid"),
        ]

    def __str__(self) -> str:
        previous = f"v{self.previous_version.number}" if self.previous_version_id else "nothing"
        return f"{self.get_kind_display()} {previous} → v{self.version.number}"


class Label(models.Model):
    """A named, movable pointer to one of the agent's versions (`staging`, `eu`).

    `released` is not a row: it is Agent.released_version, the pointer the
    runtime's hot path reads. Every move is a ReleaseEvent carrying the label;
    creating, protecting and deleting are in this model's history."""

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="labels")
    name = models.CharField(max_length=32)
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    protected = models.BooleanField(default=False)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["agent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "name"], name="label_name_unique"),
            models.CheckConstraint(
                condition=Q(name__regex=r"^[a-z][a-z0-9-]{0,31}$")
                & ~Q(name__in=["draft", "released", "latest"]),
                name="label_name_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReleaseRequest(models.Model):
    """A release (or a protected label's move) waiting for other people's approval."""

    WORKSPACE = "agent__workspace"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        RELEASED = "released", "Released"

    public_id = models.CharField(max_length=16, unique=True, default=new_request_id, editable=False)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="release_requests")
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=32, default=RELEASED)
    # What the label pointed at when the request was made: if that is no longer
    # live, the request is stale (the diff it was approved on is not what changes).
    base_version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "status", "-created_at"], name="request_agent_status"),
            models.Index(fields=["status", "-created_at"], name="request_status"),
        ]
        constraints = [
            public_id_format("rr", "request_public_id_format"),
            one_of(
                "status",
                ["open", "approved", "rejected", "cancelled", "released"],
                "request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def title(self) -> str:
        """What a person recognises it by: `Clinic line: released → v3`."""
        return f"{self.agent.name}: {self.label} → {self.version.label}"


class ReleaseReview(ImmutableModel):
    """One person's approval or rejection of a request, with a comment (append-only)."""

    WORKSPACE = "request__agent__workspace"

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"

    request = models.ForeignKey(ReleaseRequest, on_delete=models.PROTECT, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="review_once_per_user"),
            one_of("verdict", ["approve", "reject"], "review_verdict_valid"),
        ]


class ScheduledRelease(models.Model):
    """A release or label move the job worker carries out at or after `at`, once."""

    WORKSPACE = "agent__workspace"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.CharField(
        max_length=16, unique=True, default=new_schedule_id, editable=False
    )
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="scheduled_releases")
    version = models.ForeignKey(PublishedVersion, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=32, default=RELEASED)
    request = models.ForeignKey(
        ReleaseRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    gate_override_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    executed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["status", "at"], name="schedule_due")]
        constraints = [
            public_id_format("sr", "schedule_public_id_format"),
            one_of("status", ["pending", "done", "failed", "cancelled"], "schedule_status_valid"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def late_by_s(self) -> float | None:
        """How long after its time it ran (None until it ran)."""
        if self.executed_at is None:
            return None
        return max(0.0, (self.executed_at - self.at).total_seconds())
