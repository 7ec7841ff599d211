"""Schemas of labels, release requests and scheduled releases (OpenAPI components)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from agents.api.schemas import Moment
from agents.domain.json_input import WholeInt


class LabelOut(Schema):
    name: str
    version: int | None = Field(..., description="null only for `released` before any release")
    protected: bool
    moved_by: str | None
    moved_at: datetime | None


class LabelList(Schema):
    data: list[LabelOut]


class LabelPut(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: WholeInt = Field(..., ge=1)
    note: str = Field("", max_length=2000)
    protected: bool | None = Field(
        None, description="Make the label protected (or not): Releasers only."
    )
    break_glass: str | None = Field(None, min_length=1, max_length=2000)


class ReviewOut(Schema):
    user: str | None
    at: datetime
    comment: str


class ReleaseRequestIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: WholeInt = Field(..., ge=1)
    label: str = Field("released", max_length=32)
    note: str = Field("", max_length=2000)


class ReleaseRequestOut(Schema):
    id: str
    agent: str
    version: int
    label: str
    requested_by: str | None
    status: Literal["open", "approved", "rejected", "cancelled", "released"]
    approvals: list[ReviewOut]
    rejections: list[ReviewOut]
    approvals_required: int
    stale: bool = Field(
        description="What the request would replace is no longer live: it cannot be approved "
        "or released; request again."
    )
    replaces: int | None = Field(description="The version the label held when requested.")
    note: str
    created_at: datetime


class ReleaseRequestList(Schema):
    data: list[ReleaseRequestOut]
    next: str | None


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    comment: str = Field("", max_length=2000)


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    comment: str = Field(..., min_length=1, max_length=2000)


class RequestReleaseIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    at: Moment | None = Field(
        None, strict=False, description="Carry it out at this future moment (202)."
    )
    note: str = Field("", max_length=2000)
    gate_override_note: str | None = Field(None, max_length=2000)


class ScheduledReleaseOut(Schema):
    id: str
    agent: str
    version: int
    label: str
    at: datetime
    created_by: str | None
    status: Literal["pending", "done", "failed", "cancelled"]
    executed_at: datetime | None
    late_by_s: float | None = Field(description="How long after `at` it ran.")
    failure: str
    request: str | None
    note: str


class ScheduledReleaseList(Schema):
    data: list[ScheduledReleaseOut]


class ScheduledOut(Schema):
    scheduled: ScheduledReleaseOut
