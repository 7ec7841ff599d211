"""Changes: every change of what a runtime is served (and each change request's
opening, review and merge, for those who follow reviews), numbered in commit order.

A runtime that caches configurations learns what to refresh from these rows: by
paging `GET /changes?since=` or from the stream. `seq` is taken from the one
`ChangeCounter` row, incremented in the transaction that makes the change; the row
stays locked until that transaction ends, so numbers are handed out in commit order
and a reader that has seen `seq` N has seen every change numbered below it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from agents.models.agents import Agent
from agents.models.base import one_of
from agents.models.change_requests import ChangeRequest
from agents.models.channels import Channel
from agents.models.scoping import ScopedManager


class ChangeKind(models.TextChoices):
    """What changed; shown as its name (`Label Moved`)."""

    RELEASE = "release"
    ROLLBACK = "rollback"
    LABEL_MOVED = "label.moved"
    CHANNEL_UPDATED = "channel.updated"
    ROLLOUT = "rollout"
    PROMPT_RELEASE = "prompt.release"
    AGENT_ARCHIVED = "agent.archived"
    CHANGE_REQUEST_OPENED = "change_request.opened"
    CHANGE_REQUEST_REVIEWED = "change_request.reviewed"
    CHANGE_REQUEST_MERGED = "change_request.merged"


def _about(model: type[models.Model], related_name: str) -> models.ForeignKey:
    """What a change is about, when it is about one (kept while the change is)."""
    return models.ForeignKey(
        model, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name
    )


class Change(models.Model):
    WORKSPACE = "workspace"

    Kind = ChangeKind

    seq = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=32, choices=ChangeKind.choices)
    workspace = models.ForeignKey("Workspace", on_delete=models.PROTECT, related_name="+")
    agent = _about(Agent, "changes")
    channel = _about(Channel, "changes")
    prompt = _about(Agent, "prompt_changes")
    ref = models.CharField(max_length=60, blank=True)  # released, staging, draft:NAME
    version = models.PositiveIntegerField(null=True, blank=True)
    archived = models.BooleanField(null=True, blank=True)  # agent.archived: archived or back
    change_request = _about(ChangeRequest, "changes")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["at"], name="change_time")]
        constraints = [
            one_of("kind", ChangeKind.values, "change_kind_valid"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="change_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class ChangeCounter(models.Model):
    """One row: the last `seq` handed out."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class StreamNode(models.Model):
    """A server process holding stream subscribers, as it last reported itself (every
    few seconds while it has any): how many listen, to what, and how many each recent
    change reached. The console sums the nodes seen lately."""

    name = models.CharField(max_length=120, unique=True)  # host:pid:start
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    # {"*": subscribers to everything, "ag_…": subscribers that receive that agent's changes}
    listening = models.JSONField(default=dict)
    # {"<seq>": subscribers the change was pushed to}, the latest few
    pushed = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name
