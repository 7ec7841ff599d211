"""Change requests: a branch proposed for the main draft, with line comments,
suggested edits and reviews (API.md, "Branches and change requests"). Comments and
reviews are kept forever: no delete, and a comment's body may be edited only in its
first 15 minutes (models and services; the admin is read-only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import new_change_request_id, new_comment_id, one_of, public_id_format
from agents.models.branches import Branch
from agents.models.scoping import ScopedManager


class ChangeRequest(models.Model):
    WORKSPACE = "agent__workspace"

    class Status(models.TextChoices):
        OPEN = "open"
        MERGED = "merged"
        CLOSED = "closed"

    public_id = models.CharField(
        max_length=16, unique=True, default=new_change_request_id, editable=False
    )
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="change_requests")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="change_requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_revision = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "status"], name="change_request_agent_status")]
        constraints = [
            public_id_format("cr", "change_request_public_id_format"),
            one_of("status", ["open", "merged", "closed"], "change_request_status"),
            models.UniqueConstraint(
                fields=["branch"], condition=Q(status="open"), name="change_request_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"


class Comment(models.Model):
    """A comment on a field (`path`) or on a line of a long text (`line`, 1-based) of a
    change request's diff, or a reply (`parent`). `anchor` is what the spot held when
    it was written: a comment whose spot changed since is outdated. A suggestion is
    the value proposed for the path (or the line's new text)."""

    WORKSPACE = "change_request__agent__workspace"

    public_id = models.CharField(max_length=16, unique=True, default=new_comment_id, editable=False)
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    path = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField()
    has_suggestion = models.BooleanField(default=False)
    suggestion = models.JSONField(null=True, blank=True)
    anchor = models.JSONField(null=True, blank=True)
    head_revision = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_revision = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [public_id_format("cm", "comment_public_id_format")]

    def __str__(self) -> str:
        return f"{self.public_id} on {self.path or 'the change request'}"


class Review(models.Model):
    WORKSPACE = "change_request__agent__workspace"

    class Verdict(models.TextChoices):
        APPROVE = "approve"
        REQUEST_CHANGES = "request_changes"
        COMMENT = "comment"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    body = models.TextField(blank=True)
    head_revision = models.PositiveIntegerField()  # the branch revision it reviewed
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissal_reason = models.CharField(max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            one_of("verdict", ["approve", "request_changes", "comment"], "review_verdict"),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} of {self.change_request_id}"


class Presence(models.Model):
    """Who is looking at an agent's draft (`draft`) or a branch (`draft:NAME`) now: a
    heartbeat every few seconds; gone 60 s after the last."""

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    where = models.CharField(max_length=50)
    editing = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "user", "where"], name="presence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.where} of {self.agent_id}"
