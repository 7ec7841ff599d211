"""Conversations, each bound to one frozen configuration forever, and their turns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import BoundConfiguration, new_conversation_id, one_of
from agents.models.scoping import ScopedManager


class Conversation(BoundConfiguration):
    """One conversation, bound at start to exactly one frozen configuration, forever.

    The binding (agent, version or snapshot, content hash) is write-once: a
    trigger rejects any UPDATE that changes it. Only the outcome fields are set
    later, once, when the conversation ends.
    """

    WORKSPACE = "agent__workspace"

    class Outcome(models.TextChoices):
        COMPLETED = "completed"
        TRANSFERRED = "transferred"
        ABANDONED = "abandoned"
        FAILED = "failed"

    public_id = models.CharField(max_length=16, unique=True, default=new_conversation_id)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="conversations")
    channel_ref = models.CharField(max_length=16, blank=True)
    variant = models.CharField(max_length=50, blank=True)
    key = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    automated = models.BooleanField(null=True, blank=True)
    analysis = models.JSONField(default=dict, blank=True)
    # What callers felt, reported with the end (API.md, "Quality signals"): the median
    # response latency, a 1 to 5 rating, what it cost in USD, and 0 to 1 scores by name
    # (the runtime's own and the agent's judges', services/judges.py).
    latency_ms = models.FloatField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    cost = models.FloatField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Operators trying a configuration in the console; left out of analytics.
    playground = models.BooleanField(default=False)
    # Started by a runtime while the console was unreachable, reported afterwards.
    offline = models.BooleanField(default=False)
    # Bound to draft revision rN (its snapshot) rather than to the draft as it was.
    revision = models.PositiveIntegerField(null=True, blank=True)
    # Bound to a branch's draft (`draft:NAME`) as it was (its snapshot).
    branch = models.CharField(max_length=40, blank=True, db_default="", default="")
    # The library prompt versions its links resolved to when it started, kept forever:
    # [{"prompt": "pr_…", "role": "main", "version": 3}] (empty without links).
    prompt_versions = models.JSONField(default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="conversation_agent_time"),
            models.Index(fields=["agent", "version", "-started_at"], name="conversation_version"),
            # A rollout's step: the channel's conversations since the step began.
            models.Index(fields=["channel_ref", "started_at"], name="conversation_channel_time"),
        ]
        constraints = [
            BoundConfiguration.bound_once("conversation_bound_once"),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | Q(sentiment__gte=-1, sentiment__lte=1),
                name="conversation_sentiment_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_s__isnull=True) | Q(duration_s__gte=0),
                name="conversation_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(latency_ms__isnull=True) | Q(latency_ms__gte=0),
                name="conversation_latency_positive",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="conversation_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="conversation_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def bound_version(self) -> int | str:
        """3, "r12", "draft" or "draft:NAME": the reference this conversation is bound to."""
        if self.version_id:
            return self.version.number
        if self.revision:
            return f"r{self.revision}"
        return f"draft:{self.branch}" if self.branch else "draft"


class Turn(models.Model):
    """One message of a conversation's transcript, with what the model reply cost."""

    WORKSPACE = "conversation__agent__workspace"

    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    provider = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=200, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    tool_calls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["conversation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "position"], name="turn_position_unique"
            ),
            one_of("role", ["user", "assistant"], "turn_role"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.position} {self.role}"
