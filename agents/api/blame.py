"""Search an agent's every version and revision for a phrase, and blame a text field
(API.md, "Branches and change requests")."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Schema

from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.permissions import VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import blame

blame_router = Router(tags=["branches"])


class SearchQuery(Schema):
    q: str = Field(..., min_length=2, max_length=200, description="The phrase (case ignored)")


class HitOut(Schema):
    ref: str = Field(description="The version holding that revision's content (v3), else r12")
    revision: int
    branch: str | None
    path: str
    excerpt: str


class SearchOut(Schema):
    data: list[HitOut]


class BlameQuery(Schema):
    path: str = Field(..., max_length=300, description="A text field: prompt.system_prompt")
    ref: str = Field("draft", max_length=60, description="draft, draft:NAME, v3, r12, a label")


class LineOut(Schema):
    text: str
    since: str | None = Field(description="The version (v2) or revision (r7) that wrote it")
    revision: int | None
    author: str | None
    at: datetime | None


class BlameOut(Schema):
    ref: str
    path: str
    lines: list[LineOut]


@blame_router.get("/{agent_id}/search", response={200: SearchOut, **ERRORS_READ})
def search(request, agent_id: str, query: Query[SearchQuery]):
    """Where a phrase entered the configuration: each revision that introduced it,
    with the path and an excerpt, oldest first (at most 100)"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    return {
        "data": [
            {**hit.__dict__, "branch": hit.branch or None} for hit in blame.search(agent, query.q)
        ]
    }


@blame_router.get("/{agent_id}/blame", response={200: BlameOut, **ERRORS_READ})
def blame_field(request, agent_id: str, query: Query[BlameQuery]):
    """Each line of a text field with the version or revision that introduced it, its
    author and date"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    found = blame.blame_text(agent, query.path, query.ref)
    return {"ref": found.ref, "path": found.path, "lines": [line.__dict__ for line in found.lines]}
