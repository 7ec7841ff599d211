"""Metrics kept per day: every version's conversations on each channel, summed as
they start, end and are scored (services/metrics.py, in the same transaction), so
the metrics of a million conversations read a few rows per day instead of a
million (selectors/metrics.py).

A day row holds counts and sums (Σx and Σx² give a mean and its variance); latency
percentiles come from a histogram of fine log buckets (domain/histograms.py), and
each score has a row of its own. Days are UTC dates of `started_at`. Nothing here
is a source of truth: `manage.py rebuild_metrics` recomputes it from conversations.
"""

from __future__ import annotations

from django.db import models

from agents.models.agents import Agent
from agents.models.scoping import ScopedManager

DRAFT_KEY = 0  # version_key of conversations bound to the draft


def counter() -> models.BigIntegerField:
    """A count, zero in the database until added to (services/metrics adds to columns
    it does not name in its insert)."""
    return models.BigIntegerField(default=0, db_default=0)


def summed() -> models.FloatField:
    return models.FloatField(default=0, db_default=0.0)


class DayKey(models.Model):
    """Whose conversations a row sums: an agent's, on one version (its pk; DRAFT_KEY for
    the draft), one channel ("" off channels), one day."""

    WORKSPACE = "agent__workspace"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    version_key = models.BigIntegerField()
    channel_ref = models.CharField(max_length=16, blank=True)
    day = models.DateField()

    KEY = ("agent", "version_key", "channel_ref", "day")  # and a row's own (bucket, name)

    objects = ScopedManager()

    class Meta:
        abstract = True


class MetricDay(DayKey):
    conversations = counter()
    ended = counter()
    completed = counter()
    transferred = counter()
    failed = counter()
    automated = counter()
    known_automation = counter()
    scored = counter()  # conversations with at least one score
    latency_n = counter()
    latency_sum = summed()
    latency_log_sum = summed()  # of ln(1 + ms)
    latency_log_squares = summed()
    satisfaction_n = counter()
    satisfaction_sum = summed()
    satisfaction_squares = summed()
    cost_n = counter()
    cost_sum = summed()
    cost_squares = summed()
    duration_n = counter()
    duration_sum = summed()
    sentiment_n = counter()
    sentiment_sum = summed()

    class Meta:
        constraints = [models.UniqueConstraint(fields=DayKey.KEY, name="metric_day_unique")]

    def __str__(self) -> str:
        return f"{self.agent_id} v#{self.version_key} {self.channel_ref or '-'} {self.day}"


class LatencyDay(DayKey):
    """How many latencies of the day fell in one fine bucket (domain/histograms)."""

    bucket = models.IntegerField()
    n = counter()

    KEY = (*DayKey.KEY, "bucket")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*DayKey.KEY, "bucket"], name="latency_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} v#{self.version_key} {self.day} bucket {self.bucket}: {self.n}"


class ScoreDay(DayKey):
    """One score's count, sum and sum of squares for the day."""

    name = models.CharField(max_length=40)
    n = counter()
    total = summed()
    squares = summed()

    KEY = (*DayKey.KEY, "name")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*DayKey.KEY, "name"], name="score_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} v#{self.version_key} {self.day} {self.name}: {self.n}"
