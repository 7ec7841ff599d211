"""Draft revisions: what the draft held after each save, immutable and addressable (`r12`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import ImmutableModel, numbered_per_agent
from agents.models.versions import ConfigSnapshot, PublishedVersion


class DraftRevision(ImmutableModel):
    """Revision `rN` of an agent's draft: written in the same transaction as the save
    that made it, never changed or deleted (model, queryset and database trigger).

    The configuration lives in a ConfigSnapshot, stored once per content hash, so a
    list of revisions never reads a configuration, and revisions that return to the
    same content (a restore, an undo) share one copy. `changed` holds the paths the
    save changed, computed once when it was written.
    """

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.ForeignKey(ConfigSnapshot, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=100, blank=True)
    changed = models.JSONField(default=list, blank=True)
    restored_from_version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_from_revision = models.PositiveIntegerField(null=True, blank=True)
    # The branch whose draft this save was ("" for the main draft); kept when the
    # branch is deleted.
    branch = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = "draft revision"
        ordering = ["agent_id", "-number"]
        constraints = [
            *numbered_per_agent("revision"),
        ]

    def __str__(self) -> str:
        return f"{self.label} of agent {self.agent_id}"

    @property
    def label(self) -> str:
        return f"r{self.number}"
