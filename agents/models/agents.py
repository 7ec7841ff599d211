"""Agents and their one editable draft."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.domain.exceptions import VersionImmutable
from agents.models.base import new_agent_id
from agents.models.scoping import ScopedManager

Status = Literal["unpublished", "published", "unpublished_changes"]
STATUS_LABELS: dict[str, str] = {
    "unpublished": "Unpublished",
    "published": "Published",
    "unpublished_changes": "Unpublished changes",
}


def compute_status(*, released_hash: str | None, draft_hash: str | None) -> Status:
    if released_hash is None:
        return "unpublished"
    return "published" if draft_hash == released_hash else "unpublished_changes"


class VersionedQuerySet(models.QuerySet):
    def agents(self) -> VersionedQuerySet:
        return self.filter(kind="agent")

    def prompts(self) -> VersionedQuerySet:
        return self.filter(kind="prompt")


class Agent(models.Model):
    """An agent, or (kind `prompt`) a prompt of the library: both are versioned by the
    same core (draft, revisions, versions, the released pointer, labels, requests);
    only their documents differ (agents/domain/documents.py). `Agent.objects` holds
    both; the agent lists, the runtime and channels read `Agent.objects.agents()`,
    the library `Agent.objects.prompts()`."""

    WORKSPACE = "workspace"

    class Kind(models.TextChoices):
        AGENT = "agent", "Agent"
        PROMPT = "prompt", "Prompt"

    public_id = models.CharField(max_length=16, unique=True, default=new_agent_id, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.AGENT, editable=False)
    workspace = models.ForeignKey(
        "Workspace", on_delete=models.PROTECT, related_name="agents", editable=False
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    released_version = models.ForeignKey(
        "PublishedVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    require_passing_eval = models.BooleanField(
        "Require a passing eval run before release",
        default=False,
        help_text="Releasing a version is refused unless every eval suite of the agent "
        "passed on that configuration; a Releaser may override with a note.",
    )

    approvals_required = models.PositiveSmallIntegerField(
        "Releases need approvals",
        default=0,
        help_text="0, 1 or 2: how many Releasers other than the requester approve a "
        "release (or a protected label's move) before it happens.",
    )

    reviews_required = models.PositiveSmallIntegerField(
        "Merges need reviews",
        default=0,
        help_text="0, 1 or 2: how many approvals of a change request's current head, by "
        "someone other than its author, before it may be merged.",
    )

    history = HistoricalRecords()
    objects = ScopedManager.from_queryset(VersionedQuerySet)()

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("edit_draft", "Can edit drafts and restore versions into them"),
            ("save_version", "Can save drafts as versions"),
            ("release_version", "Can release and roll back versions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="agent", public_id__regex=r"^ag_[a-z2-7]{10}$")
                    | Q(kind="prompt", public_id__regex=r"^pr_[a-z2-7]{10}$")
                ),
                name="versioned_public_id_format",
            ),
            models.CheckConstraint(
                condition=Q(approvals_required__lte=2), name="agent_approvals_at_most_2"
            ),
            models.CheckConstraint(
                condition=Q(reviews_required__lte=2), name="agent_reviews_at_most_2"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="agent_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def status(self) -> Status:
        """Derived from the hashes each time: there is no stored flag to drift.

        Callers that list many agents select_related("draft", "released_version").
        """
        released = self.released_version
        return compute_status(
            released_hash=released.content_hash if released else None,
            draft_hash=self.draft.content_hash,
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def delete(self, *args, **kwargs):
        # Every draft save is an immutable revision (and versions are forever), so an
        # agent that exists has a history that is never lost.
        if self.pk:
            raise VersionImmutable(
                "An agent is never deleted (its revisions and versions are history); "
                "archive it instead."
            )
        return super().delete(*args, **kwargs)


class Draft(models.Model):
    """The live, editable configuration of an agent: exactly one per agent."""

    WORKSPACE = "agent__workspace"

    agent = models.OneToOneField(Agent, on_delete=models.CASCADE, related_name="draft")
    config = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    restored_from = models.ForeignKey(
        "PublishedVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_from_revision = models.PositiveIntegerField(null=True, blank=True)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(revision__gte=1), name="draft_revision_positive"),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.agent.name} (revision {self.revision})"
