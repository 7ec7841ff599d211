"""Eval suites, their cases, runs (bound like conversations) and results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.models.agents import Agent
from agents.models.base import (
    BoundConfiguration,
    new_case_id,
    new_run_id,
    new_suite_id,
    one_of,
    public_id_format,
)
from agents.models.scoping import ScopedManager


class EvalSuite(models.Model):
    """A named set of test cases for one agent. `revision` moves whenever a case
    changes, so a run can tell whether it tested the suite as it is now."""

    WORKSPACE = "agent__workspace"

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

    objects = ScopedManager()

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

    WORKSPACE = "suite__agent__workspace"

    public_id = models.CharField(max_length=16, unique=True, default=new_case_id, editable=False)
    suite = models.ForeignKey(EvalSuite, on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(max_length=200)
    messages = models.JSONField()
    checks = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["suite_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="case_name_not_empty"),
            public_id_format("ec", "case_public_id_format"),
        ]

    def __str__(self) -> str:
        return self.name


class EvalRun(BoundConfiguration):
    """One run of a suite against one frozen configuration: a version, or the draft
    frozen as a snapshot at the moment the run was started (the same binding as a
    conversation). Executed in the background by `agents.tasks.run_eval`."""

    WORKSPACE = "agent__workspace"

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
    target_label = models.CharField(max_length=60)  # "v3", "draft", "r12" or "draft:NAME"
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
    # The job executing the run, how many jobs it has had, and when it last
    # made progress: a run whose worker died is found by these and handed to
    # another worker (`services.recover_stalled_jobs`).
    job_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["suite", "-created_at"], name="run_suite_time"),
            models.Index(fields=["agent", "content_hash", "-created_at"], name="run_config"),
        ]
        constraints = [
            public_id_format("er", "run_public_id_format"),
            BoundConfiguration.bound_once("run_bound_once"),
            one_of(
                "status", ["queued", "running", "passed", "failed", "error"], "run_status_valid"
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
    def last_progress(self):
        """When the run last moved: its latest case, its start, or its creation."""
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def stalled(self) -> bool:
        """Unfinished, and nothing moved for JOB_STALE_SECONDS: pages stop polling it."""
        quiet = timezone.now() - self.last_progress
        return not self.finished and quiet.total_seconds() > settings.JOB_STALE_SECONDS

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

    WORKSPACE = "run__agent__workspace"

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

    objects = ScopedManager()

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="result_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_name}: {'passed' if self.passed else 'failed'}"
