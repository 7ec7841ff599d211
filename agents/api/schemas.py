"""The API's request and response schemas (pydantic, through django-ninja).

Their class names are the OpenAPI document's component names: clients see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, model_validator

from agents.domain.json_input import WholeInt, whole_int
from agents.domain.routing import TargetIO, VariantIO

# What a configuration resolved to: a version number, "draft", or a revision ("r12").
BoundRef = (
    int | Annotated[str, Field(pattern=r"^(draft|draft:[a-z][a-z0-9-]{0,39}|r[1-9][0-9]{0,8})$")]
)

MAX_PAGE = 200
MAX_OFFSET = 10_000_000  # beyond this, databases overflow rather than page


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


ERRORS_READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ERRORS_WRITE = {400: ErrorOut, 413: ErrorOut, 422: ErrorOut, **ERRORS_READ}


class DraftInfo(Schema):
    revision: int
    content_hash: str
    updated_at: datetime


class DocumentOut(Schema):
    """What an agent and a prompt both show of themselves."""

    id: str
    name: str
    description: str
    status: Literal["unpublished", "published", "unpublished_changes"]
    released_version: int | None
    latest_version: int | None
    draft: DraftInfo
    created_at: datetime
    archived: bool


class AgentOut(DocumentOut):
    require_passing_eval: bool = Field(
        description="Releasing needs a passing eval run of every suite (a Releaser may override)."
    )
    approvals_required: int = Field(
        0, description="Approvals (by Releasers other than the requester) a release needs."
    )
    reviews_required: int = Field(
        0, description="Approvals of a change request's head (not its author's) a merge needs."
    )


class AgentList(Schema):
    data: list[AgentOut]
    next: str | None


Name = Field(..., min_length=1, max_length=200)


class AgentCreate(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Name
    description: str = ""
    config: dict[str, Any] | None = None
    workspace: str | None = Field(
        None, description="ws_…: required when the caller works in more than one workspace"
    )


class AgentPatch(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    require_passing_eval: bool | None = Field(
        None, description="The release gate; changing it needs the Releaser role."
    )
    approvals_required: whole_int(ge=0, le=2) | None = Field(
        None, description="0, 1 or 2 approvals per release (Releaser role)."
    )
    reviews_required: whole_int(ge=0, le=2) | None = Field(
        None, description="0, 1 or 2 approving reviews per merge (Releaser role)."
    )


class DraftOut(Schema):
    revision: int
    config: dict[str, Any]
    content_hash: str
    updated_at: datetime
    updated_by: str | None
    restored_from: int | None
    restored_from_revision: int | None = Field(
        None, description="The draft revision last restored into the draft, if any."
    )


class RevisionOut(Schema):
    revision: int
    label: str = Field(..., description="`r12`: how references name it.")
    content_hash: str
    updated_by: str | None
    updated_at: datetime
    reason: str
    changed: list[str] = Field(..., description="Configuration paths this save changed.")
    restored_from_version: int | None
    restored_from_revision: int | None
    versions: list[int] = Field(
        ..., description="Versions holding exactly this configuration (saved from it)."
    )
    branch: str | None = Field(None, description="The branch this save was on (null: the draft).")


class RevisionDetail(RevisionOut):
    config: dict[str, Any]


class RevisionList(Schema):
    data: list[RevisionOut]
    next: str | None


class DraftIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    config: dict[str, Any]


class VersionSummary(Schema):
    number: int
    label: str
    name: str
    description: str
    created_by: str | None
    created_at: datetime
    content_hash: str
    is_released: bool


class VersionOut(VersionSummary):
    config: dict[str, Any]
    parent: int | None
    schema_version: int


class VersionList(Schema):
    data: list[VersionSummary]
    next: str | None


class VersionCreate(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Name
    description: str = ""
    expected_draft_revision: WholeInt | None = None


def _iso_text(value: Any) -> Any:
    """A moment is written as ISO 8601 text: a number (read as seconds since 1970 by
    lax parsing) is refused, as the document says."""
    if value is not None and not isinstance(value, str | datetime):
        raise ValueError("an ISO 8601 date and time, as a string")
    return value


Moment = Annotated[datetime, BeforeValidator(_iso_text)]


class ReleaseIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: WholeInt = Field(..., ge=1)
    note: str = Field("", max_length=2000)
    gate_override_note: str | None = Field(
        None,
        max_length=2000,
        description="Release even though the eval gate fails, saying why (recorded on the event).",
    )
    break_glass: str | None = Field(
        None,
        min_length=1,
        max_length=2000,
        description="Superusers only: release without the approvals the agent requires, "
        "saying why (kept on the event, shown in the log).",
    )
    at: Moment | None = Field(
        None,
        strict=False,
        description="A future moment (ISO 8601 with a zone): schedule instead (202).",
    )


class ReleaseEventOut(Schema):
    version: int
    previous_version: int | None
    kind: Literal["release", "rollback"]
    released_by: str | None
    released_at: datetime
    note: str
    gate_findings: list[str] = Field(
        description="What the eval gate found missing or failing at release time."
    )
    gate_override_note: str
    label: str = Field("released", description="The pointer that moved: released or a label.")
    request: str | None = Field(None, description="The approved release request (rr_…).")
    approval_bypass: Literal["", "undo", "break_glass", "rollout"] = Field(
        "",
        description="A recorded exception to the approval rule, if one was used: "
        "`rollout` when a completing rollout moved the pointer to its candidate.",
    )
    break_glass_note: str = ""


class ReleaseOut(Schema):
    released_version: int
    previous_version: int | None
    event: ReleaseEventOut | None


class ReleaseList(Schema):
    data: list[ReleaseEventOut]


class RestoreIn(Schema):
    """Restore a version (`version`) or a draft revision (`revision`): exactly one."""

    model_config = ConfigDict(extra="forbid", strict=True)
    version: whole_int(ge=1) | None = None
    revision: whole_int(ge=1) | None = None
    expected_draft_revision: WholeInt | None = None

    @model_validator(mode="after")
    def _one_source(self) -> RestoreIn:
        if (self.version is None) == (self.revision is None):
            raise ValueError("give either version or revision")
        return self


class ChangeOut(Schema):
    path: str
    op: Literal["added", "removed", "changed", "moved"]
    old: Any = None
    new: Any = None


class DiffSummary(Schema):
    added: int
    removed: int
    changed: int
    moved: int


class DiffOut(Schema):
    from_: str = Field(..., alias="from")
    to: str
    changes: list[ChangeOut]
    summary: DiffSummary


class LinkedPromptOut(Schema):
    prompt: str = Field(..., description="`pr_…`")
    role: str
    sort_order: int
    version: int = Field(..., description="The prompt version the link resolved to.")
    text: str = Field(..., description="Rendered with the link's variable values.")


class ResolveOut(Schema):
    agent: str
    version: BoundRef
    content_hash: str
    config: dict[str, Any]
    prompts: list[LinkedPromptOut] = Field(
        default_factory=list,
        description="The configuration's `prompt_links` resolved now (absent without links).",
    )


class OfflineIn(Schema):
    """A conversation a runtime started while the console was unreachable."""

    model_config = ConfigDict(extra="forbid", strict=True)
    version: WholeInt = Field(..., ge=1, description="The version the runtime served")
    started_at: Moment = Field(
        ..., strict=False, description="When it started (ISO 8601 with a zone; 7 days at most)"
    )


class ConversationIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    agent: str | None = None
    channel: str | None = None
    key: str | None = Field(None, max_length=200)
    offline: OfflineIn | None = None


class ConversationOut(Schema):
    id: str
    agent: str
    channel: str | None
    version: BoundRef
    variant: str | None
    content_hash: str
    config: dict[str, Any]
    prompts: list[LinkedPromptOut] = Field(
        default_factory=list,
        description="The linked prompts as the conversation started with them, forever.",
    )
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    duration_s: float | None
    sentiment: float | None
    automated: bool | None
    analysis: dict[str, Any]
    playground: bool = Field(
        False, description="Started by an operator in the console's playground."
    )
    offline: bool = Field(
        False, description="Started by a runtime while the console was unreachable."
    )
    latency_ms: float | None = None
    satisfaction: int | None = None
    cost: float | None = None
    scores: dict[str, float] = Field(default_factory=dict)


class TurnIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=20_000)
    latency_ms: float | None = Field(None, ge=0, description="How long this answer took")


class TurnOut(Schema):
    position: int
    role: str
    content: str
    latency_ms: float | None
    created_at: datetime


class TurnList(Schema):
    data: list[TurnOut]


class ConversationEnd(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    outcome: Literal["completed", "transferred", "abandoned", "failed"]
    duration_s: float | None = Field(None, ge=0)
    sentiment: float | None = Field(None, ge=-1, le=1)
    automated: bool | None = None
    analysis: dict[str, Any] | None = None
    latency_ms: float | None = Field(
        None, ge=0, description="The conversation's median response latency"
    )
    satisfaction: int | None = Field(None, ge=1, le=5, description="The caller's rating, 1 to 5")
    cost: float | None = Field(None, ge=0, description="What the conversation cost, in USD")
    scores: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="Scores from 0 to 1 by name (`^[a-z][a-z0-9_]{0,39}$`)"
    )
    turns: list[TurnIn] | None = Field(None, max_length=500, description="The transcript")


class ConversationList(Schema):
    data: list[ConversationOut]
    next: str | None


# `?status=` on the agent and prompt lists ("" for all).
StatusFilter = Literal["", "unpublished", "published", "unpublished_changes"]


class Paging(Schema):
    """`?limit=&offset=` on every list endpoint."""

    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ChannelIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Name
    kind: Literal["phone", "web", "api"]
    address: str = Field("", max_length=300)
    agent: str
    target: TargetIO = "released"
    variants: list[VariantIO] | None = None
    workspace: str | None = Field(None, description="ws_…: the agent's, when given")


class ChannelPatch(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["phone", "web", "api"] | None = None
    address: str | None = Field(None, max_length=300)
    agent: str | None = None
    target: TargetIO | None = None
    variants: list[VariantIO] | None = None


class ChannelOut(Schema):
    id: str
    name: str
    kind: Literal["phone", "web", "api"]
    address: str
    agent: str
    target: TargetIO
    variants: list[VariantIO] | None


class ChannelList(Schema):
    data: list[ChannelOut]
    next: str | None


class ServedOut(Schema):
    variant: str
    weight: int
    version: int | Literal["draft"] | None
    content_hash: str | None
    draft_revision: int | None


class ChannelAsOfOut(Schema):
    channel: str
    at: datetime
    existed: bool
    target: TargetIO | None
    variants: list[VariantIO] | None
    serves: list[ServedOut]
