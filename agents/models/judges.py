"""Judges: an agent's scorers of production conversations, and each verdict they gave."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import new_judge_id, one_of, public_id_format
from agents.models.conversations import Conversation
from agents.models.scoping import ScopedManager


class Judge(models.Model):
    """Scores a sample of an agent's ended production conversations that have a
    transcript, into `Conversation.scores[name]`: a deterministic eval check on the
    replies (`eval_check`), or a rubric a model applies (`rubric`)."""

    WORKSPACE = "agent__workspace"

    public_id = models.CharField(max_length=16, unique=True, default=new_judge_id, editable=False)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="judges")
    name = models.CharField(max_length=40)  # the score's name, ^[a-z][a-z0-9_]{0,39}$
    eval_check = models.JSONField(null=True, blank=True)  # {"type", "value"} (domain/checks)
    rubric = models.TextField(blank=True)
    sample_rate = models.FloatField(default=1.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Deleted judges stop judging; what they scored stays, and so do their verdicts.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            public_id_format("jd", "judge_public_id_format"),
            models.UniqueConstraint(
                fields=["agent", "name"],
                condition=Q(deleted_at__isnull=True),
                name="one_live_judge_per_name",
            ),
            models.CheckConstraint(
                condition=Q(sample_rate__gte=0, sample_rate__lte=1), name="judge_sample_rate"
            ),
            models.CheckConstraint(
                condition=(Q(eval_check__isnull=False) & Q(rubric=""))
                | (Q(eval_check__isnull=True) & ~Q(rubric="")),
                name="judge_check_or_rubric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def kind(self) -> str:
        return "check" if self.eval_check is not None else "rubric"


class Judgement(models.Model):
    """One judge on one conversation, at most once (the unique constraint): claimed by
    a worker, retried when the provider fails or the worker dies, then scored or
    failed with the reason kept."""

    WORKSPACE = "judge__agent__workspace"

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        SCORED = "scored"
        FAILED = "failed"

    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="judgements")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="judgements"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    score = models.FloatField(null=True, blank=True)
    detail = models.TextField(blank=True)  # why: the check's message, the model's reason
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "claimed_at"], name="judgement_due")]
        constraints = [
            models.UniqueConstraint(fields=["judge", "conversation"], name="judged_once"),
            one_of("status", ["pending", "running", "scored", "failed"], "judgement_status"),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id} on {self.conversation_id}: {self.status}"
