"""Schemas of the prompt library (OpenAPI components)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from agents.api.schemas import DocumentOut, ReleaseOut, VersionSummary
from agents.domain.json_input import whole_int

VariableType = Literal["string", "number", "boolean"]


class VariableIO(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    type: VariableType = "string"
    default: str | bool | int | float | None = None


class PromptOut(DocumentOut):
    id: str = Field(..., description="`pr_…`")
    approvals_required: int


class PromptList(Schema):
    data: list[PromptOut]
    next: str | None


class PromptCreate(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    text: str = ""
    variables: list[dict[str, Any]] = Field(default_factory=list)
    workspace: str | None = Field(
        None, description="ws_…: required when the caller works in more than one workspace"
    )


class PromptPatch(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    approvals_required: whole_int(ge=0, le=2) | None = None


class PromptDraftIn(Schema):
    """PUT: the whole document (an omitted field takes its default). PATCH: the fields
    given replace theirs (`variables` as a whole list)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    text: str | None = None
    variables: list[dict[str, Any]] | None = None


class PromptDraftOut(Schema):
    revision: int
    text: str
    variables: list[VariableIO]
    content_hash: str
    updated_at: datetime
    updated_by: str | None
    restored_from: int | None


class PromptVersionSummary(VersionSummary):
    """A version of a prompt, without its text."""


class PromptVersionOut(PromptVersionSummary):
    text: str
    variables: list[VariableIO]
    parent: int | None


class PromptVersionList(Schema):
    data: list[PromptVersionSummary]
    next: str | None


class AffectedOut(Schema):
    agent: str
    ref: str = Field(..., description="`ag_x@released`, `ag_x@staging`, `ag_x@draft`")
    role: str
    channels: list[str]
    rollouts: list[str]
    before: str | None = Field(None, description="The linked text as rendered now.")
    after: str | None = Field(None, description="The linked text once released.")


class PromptReleaseOut(ReleaseOut):
    affected: list[AffectedOut] = Field(
        ..., description="The agent references, channels and rollouts whose behaviour changed."
    )


class PromptImpactOut(Schema):
    affected: list[AffectedOut]


class UseOut(Schema):
    agent: str
    ref: str = Field(..., description="`ag_x@draft` or `ag_x@v3`: the document that links it.")
    mode: Literal["pinned", "following"]
    role: str
    version: int | None = Field(None, description="The pinned version (null: following).")


class UsageOut(Schema):
    data: list[UseOut]
