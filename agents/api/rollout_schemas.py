"""Schemas of gradual rollouts and alerts (OpenAPI components)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from agents.domain import stats
from agents.domain.json_input import WholeInt
from agents.domain.routing import LabelTargetIO, TargetIO, VersionTargetIO

Metric = Literal["completion_rate", "automation_rate", "transfer_rate", "failure_rate"]


class GuardIO(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    metric: Metric = stats.DEFAULT_METRIC
    max_drop: float = Field(stats.DEFAULT_MAX_DROP, ge=0, le=1, strict=False)


class GuardIn(Schema):
    """One guard: how much worse the candidate may get on a metric. `max_drop` for
    metrics where higher is better (rates, satisfaction, scores: 0 to 1 for rates
    and scores), `max_increase` where lower is (latency in ms, cost in USD; the
    transfer and failure rates take either)."""

    model_config = ConfigDict(extra="forbid")
    metric: str = Field(
        ...,
        max_length=46,
        description="completion_rate, automation_rate, transfer_rate, failure_rate, "
        "latency_ms, satisfaction, cost or score:<name>",
    )
    max_drop: float | None = Field(None, ge=0)
    max_increase: float | None = Field(None, ge=0)


class GuardVerdictOut(Schema):
    metric: str
    worse: bool
    judged: bool = Field(description="Enough conversations on both arms to judge")
    worsening: float | None = Field(description="How much worse, in the metric's unit")
    p: float | None = Field(description="The sequential p-value that decides")
    reason: str


class RolloutIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    # A label is read once, when the rollout starts: the rollout ramps up that version.
    candidate: VersionTargetIO | LabelTargetIO
    steps: list[WholeInt] = Field(list(stats.DEFAULT_STEPS), min_length=1, max_length=20)
    min_conversations: WholeInt = Field(stats.DEFAULT_MIN_CONVERSATIONS, ge=1, le=1_000_000)
    min_minutes: WholeInt = Field(stats.DEFAULT_MIN_MINUTES, ge=0, le=43_200)
    guard: GuardIO | None = Field(None, description="One guard (the default: completion)")
    guards: list[GuardIn] | None = Field(
        None, min_length=1, max_length=10, description="Any found worse rolls back"
    )


class ArmOut(Schema):
    target: str
    conversations: int
    hits: int
    rate: float | None


class RolloutEventOut(Schema):
    at: datetime
    kind: str
    weight: int
    by: str | None
    detail: str


class RolloutOut(Schema):
    id: str
    channel: str
    baseline: TargetIO
    candidate: int
    steps: list[int]
    step: int
    weight: int
    status: Literal["running", "paused", "completed", "rolled_back", "aborted"]
    min_conversations: int
    min_minutes: int
    guard: dict[str, Any]
    guards: list[dict[str, Any]]
    verdicts: list[GuardVerdictOut] = Field(description="Each guard on the current step")
    step_started_at: datetime
    created_by: str | None
    created_at: datetime
    events: list[RolloutEventOut]
    metrics: dict[str, ArmOut] = Field(
        description="The current step's ended conversations per arm on the guard metric."
    )


class RolloutList(Schema):
    data: list[RolloutOut]


class AlertOut(Schema):
    id: str
    agent: str
    kind: Literal["rollout_rolled_back", "version_regression"]
    version: int
    baseline_version: int | None
    metric: str
    detail: str
    rollout: str | None
    created_at: datetime
    acked_by: str | None
    acked_at: datetime | None


class AlertList(Schema):
    data: list[AlertOut]
