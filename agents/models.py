"""Data and invariants. Workflows live in agents/services.py."""

from __future__ import annotations

import secrets
from typing import Literal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.exceptions import VersionImmutable

Status = Literal["unpublished", "published", "unpublished_changes"]
STATUS_LABELS: dict[str, str] = {
    "unpublished": "Unpublished",
    "published": "Published",
    "unpublished_changes": "Unpublished changes",
}

_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def new_public_id(prefix: str) -> str:
    """`prefix_` + 10 random lowercase base32 characters (50 bits)."""
    return f"{prefix}_" + "".join(secrets.choice(_BASE32) for _ in range(10))


def public_id_format(prefix: str, name: str) -> models.CheckConstraint:
    """The database's check that a `public_id` is what new_public_id(prefix) makes."""
    return models.CheckConstraint(
        condition=Q(public_id__regex=rf"^{prefix}_[a-z2-7]{{10}}$"), name=name
    )


def new_agent_id() -> str:
    return new_public_id("ag")


def compute_status(*, released_hash: str | None, draft_hash: str | None) -> Status:
    if released_hash is None:
        return "unpublished"
    return "published" if draft_hash == released_hash else "unpublished_changes"


class Agent(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_agent_id, editable=False)
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("edit_draft", "Can edit drafts and restore versions into them"),
            ("save_version", "Can save drafts as versions"),
            ("release_version", "Can release and roll back versions"),
        ]
        constraints = [
            public_id_format("ag", "agent_public_id_format"),
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
        if self.pk and PublishedVersion.objects.filter(agent_id=self.pk).exists():
            raise VersionImmutable(
                "An agent with published versions cannot be deleted; archive it instead."
            )
        return super().delete(*args, **kwargs)


class Draft(models.Model):
    """The live, editable configuration of an agent: exactly one per agent."""

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

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(revision__gte=1), name="draft_revision_positive"),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.agent.name} (revision {self.revision})"


class ImmutableQuerySet(models.QuerySet):
    """Bulk writes are refused: rows of these tables are only ever inserted."""

    def update(self, **kwargs):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be updated.")

    def delete(self):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be deleted.")

    def _raw_delete(self, using):
        raise VersionImmutable(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class ImmutableModel(models.Model):
    """Insert once; `save()` on an existing row and `delete()` raise VersionImmutable.

    A database trigger (migration 0002) rejects UPDATE and DELETE as well, so raw
    SQL cannot get around this either.
    """

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable(f"This {self._meta.verbose_name} cannot be changed.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable(f"This {self._meta.verbose_name} cannot be deleted.")


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

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [models.Index(fields=["agent", "-released_at"], name="release_agent_time")]
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


def new_conversation_id() -> str:
    return new_public_id("cv")


class Conversation(models.Model):
    """One conversation, bound at start to exactly one frozen configuration, forever.

    The binding (agent, version or snapshot, content hash) is write-once: a
    trigger rejects any UPDATE that changes it. Only the outcome fields are set
    later, once, when the conversation ends.
    """

    class Outcome(models.TextChoices):
        COMPLETED = "completed"
        TRANSFERRED = "transferred"
        ABANDONED = "abandoned"
        FAILED = "failed"

    public_id = models.CharField(max_length=16, unique=True, default=new_conversation_id)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="conversations")
    version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.ForeignKey(
        ConfigSnapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
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
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Operators trying a configuration in the console; left out of analytics.
    playground = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="conversation_agent_time"),
            models.Index(fields=["agent", "version", "-started_at"], name="conversation_version"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(version__isnull=False, snapshot__isnull=True)
                | Q(version__isnull=True, snapshot__isnull=False),
                name="conversation_bound_once",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | Q(sentiment__gte=-1, sentiment__lte=1),
                name="conversation_sentiment_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_s__isnull=True) | Q(duration_s__gte=0),
                name="conversation_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def bound_version(self) -> int | str:
        return self.version.number if self.version_id else "draft"

    @property
    def config(self) -> dict:
        return self.version.config if self.version_id else self.snapshot.config


class ApiToken(models.Model):
    """A bearer token acting as its user. Only a hash is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None while in progress
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status or 'in progress'})"


def new_channel_id() -> str:
    return new_public_id("ch")


def released_target() -> str:
    return "released"


class Channel(models.Model):
    """A phone number, web widget or API channel, routed to a target or split between variants.

    `target` is "released", "draft" or {"version": N}; `variants` is null or
    [{"target", "weight"}] with weights summing to 100 (agents/channels.py).
    History is kept so "what served this channel at time T" can be answered.
    """

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone number"
        WEB = "web", "Web widget"
        API = "api", "API"

    public_id = models.CharField(max_length=16, unique=True, default=new_channel_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="channels")
    target = models.JSONField(default=released_target)
    variants = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_channels", "Can create and route channels")]
        constraints = [
            public_id_format("ch", "channel_public_id_format"),
            models.CheckConstraint(condition=~Q(name=""), name="channel_name_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=["phone", "web", "api"]), name="channel_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class Turn(models.Model):
    """One message of a conversation's transcript, with what the model reply cost."""

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

    class Meta:
        ordering = ["conversation_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "position"], name="turn_position_unique"
            ),
            models.CheckConstraint(condition=Q(role__in=["user", "assistant"]), name="turn_role"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.position} {self.role}"


def new_suite_id() -> str:
    return new_public_id("es")


def new_case_id() -> str:
    return new_public_id("ec")


def new_run_id() -> str:
    return new_public_id("er")


class EvalSuite(models.Model):
    """A named set of test cases for one agent. `revision` moves whenever a case
    changes, so a run can tell whether it tested the suite as it is now."""

    public_id = models.CharField(max_length=16, unique=True, default=new_suite_id, editable=False)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="eval_suites")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            public_id_format("es", "suite_public_id_format"),
            models.CheckConstraint(condition=~Q(name=""), name="suite_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class EvalCase(models.Model):
    """Input messages and the checks the reply to the last of them must pass (agents/evals.py)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_case_id, editable=False)
    suite = models.ForeignKey(EvalSuite, on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(max_length=200)
    messages = models.JSONField()
    checks = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["suite_id", "id"]
        constraints = [
            public_id_format("ec", "case_public_id_format"),
            models.CheckConstraint(condition=~Q(name=""), name="case_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class EvalRun(models.Model):
    """One run of a suite against one frozen configuration: a version, or the draft
    frozen as a snapshot at the moment the run was started (the same binding as a
    conversation). Executed in the background by `agents.tasks.run_eval`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        ERROR = "error", "Error"

    FINISHED = ("passed", "failed", "error")

    public_id = models.CharField(max_length=16, unique=True, default=new_run_id, editable=False)
    suite = models.ForeignKey(EvalSuite, on_delete=models.PROTECT, related_name="runs")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="eval_runs")
    version = models.ForeignKey(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.ForeignKey(
        ConfigSnapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64)
    target_label = models.CharField(max_length=20)  # "v3" or "draft"
    suite_revision = models.PositiveIntegerField()
    # The cases as they were when the run started: editing the suite later
    # changes neither what this run tests nor how its results read.
    cases = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    case_count = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    passed_count = models.PositiveIntegerField(default=0)
    provider = models.CharField(max_length=50, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["suite", "-created_at"], name="run_suite_time"),
            models.Index(fields=["agent", "content_hash", "-created_at"], name="run_config"),
        ]
        constraints = [
            public_id_format("er", "run_public_id_format"),
            models.CheckConstraint(
                condition=Q(version__isnull=False, snapshot__isnull=True)
                | Q(version__isnull=True, snapshot__isnull=False),
                name="run_bound_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "passed", "failed", "error"]),
                name="run_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(done_count__lte=F("case_count")) & Q(passed_count__lte=F("done_count")),
                name="run_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.target_label} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def config(self) -> dict:
        return self.version.config if self.version_id else self.snapshot.config

    @property
    def failed_count(self) -> int:
        return self.done_count - self.passed_count

    @property
    def percent_done(self) -> int:
        return round(100 * self.done_count / self.case_count) if self.case_count else 100

    @property
    def pass_rate(self) -> float | None:
        return self.passed_count / self.case_count if self.case_count and self.finished else None


class EvalResult(models.Model):
    """What one case did in one run; `case_ref` is the case's `ec_…` id, which is
    how results of two runs are matched."""

    run = models.ForeignKey(EvalRun, on_delete=models.CASCADE, related_name="results")
    case_ref = models.CharField(max_length=16)
    case_name = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    passed = models.BooleanField()
    reply = models.TextField(blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    checks = models.JSONField(default=list)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="result_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_name}: {'passed' if self.passed else 'failed'}"
