"""Judges of production conversations (API.md, "Quality signals")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema, Status
from pydantic import ConfigDict

from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut
from agents.api.shapes import username
from agents.permissions import EDIT_DRAFT, VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import judges as judges_selectors
from agents.services import judges as judges_services

agent_judges = Router(tags=["quality"])
judges_router = Router(tags=["quality"])


class JudgeCheck(Schema):
    model_config = ConfigDict(extra="forbid")
    type: str = Field(..., description="contains, not_contains, regex, output_schema, latency_ms")
    value: str | float | None = None


class JudgeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=40, description="The score's name: ^[a-z][a-z0-9_]{0,39}$")
    check: JudgeCheck | None = Field(None, description="An eval check on the agent's replies")
    rubric: str | None = Field(None, max_length=4000, description="Or a rubric a model applies")
    sample_rate: float = Field(1.0, ge=0, le=1, description="The share of conversations judged")


class JudgePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=40)
    check: JudgeCheck | None = None
    rubric: str | None = Field(None, max_length=4000)
    sample_rate: float | None = Field(None, ge=0, le=1)


class VersionScoreOut(Schema):
    version: int | str
    mean: float | None
    scored: int
    failed: int


class JudgeOut(Schema):
    id: str
    agent: str
    name: str
    check: dict[str, Any] | None
    rubric: str | None
    sample_rate: float
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    scores: list[VersionScoreOut] = Field(description="What it scored, per version")


class JudgeList(Schema):
    data: list[JudgeOut]


def judge_out(judge, scores=None) -> dict:
    if scores is None:
        scores = judges_selectors.recent_scores([judge])[judge.pk]
    return {
        "id": judge.public_id,
        "agent": judge.agent.public_id,
        "name": judge.name,
        "check": judge.eval_check,
        "rubric": judge.rubric or None,
        "sample_rate": judge.sample_rate,
        "created_by": username(judge.created_by),
        "created_at": judge.created_at,
        "updated_at": judge.updated_at,
        "scores": [s.__dict__ for s in scores],
    }


@agent_judges.get("/{agent_id}/judges", response={200: JudgeList, **ERRORS_READ})
def list_judges(request, agent_id: str):
    """An agent's judges, with what each scored per version"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    judges = list(judges_selectors.judges_of(agent).select_related("agent", "created_by"))
    scores = judges_selectors.recent_scores(judges)
    return {"data": [judge_out(j, scores[j.pk]) for j in judges]}


@agent_judges.post("/{agent_id}/judges", response={201: JudgeOut, 403: ErrorOut, **ERRORS_WRITE})
def create_judge(request, agent_id: str, payload: JudgeIn):
    """Judge a sample of the agent's ended production conversations

    A `check` (an eval check on the replies: 1 passed, 0 failed) or a `rubric` the
    model provider applies (0 to 1). The worker scores each sampled conversation
    once, within a minute of its end, into `scores[name]`."""
    principal = require(request, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(agent_id)
    judge = judges_services.create_judge(
        agent=agent,
        user=principal.user,
        name=payload.name,
        check=payload.check.model_dump() if payload.check else None,
        rubric=payload.rubric or "",
        sample_rate=payload.sample_rate,
    )
    return Status(201, judge_out(judges_selectors.judge(judge.public_id)))


@judges_router.get("/{judge_id}", response={200: JudgeOut, **ERRORS_READ})
def get_judge(request, judge_id: str):
    """A judge"""
    require(request, VIEW_AGENT)
    return judge_out(judges_selectors.judge(judge_id))


@judges_router.patch("/{judge_id}", response={200: JudgeOut, 403: ErrorOut, **ERRORS_WRITE})
def patch_judge(request, judge_id: str, payload: JudgePatch):
    """Change a judge (conversations it scored keep their scores)"""
    principal = require(request, EDIT_DRAFT)
    changes = payload.model_dump(exclude_unset=True)
    judge = judges_services.update_judge(
        judge=judges_selectors.judge(judge_id), user=principal.user, **changes
    )
    return judge_out(judges_selectors.judge(judge.public_id))


@judges_router.delete("/{judge_id}", response={204: None, 403: ErrorOut, **ERRORS_WRITE})
def delete_judge(request, judge_id: str):
    """Stop judging (the scores it gave stay)"""
    principal = require(request, EDIT_DRAFT)
    judges_services.delete_judge(judge=judges_selectors.judge(judge_id), user=principal.user)
    return Status(204, None)
