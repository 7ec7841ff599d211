"""Branches of an agent (API.md, "Branches and change requests"): list, create from
any reference, delete (their revisions stay), and each branch's draft — read,
replaced or merge-patched exactly like the main draft, If-Match included."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema, Status
from pydantic import ConfigDict

from agents.api.common import Router, if_match, require
from agents.api.documents import DRAFT_WRITE_ERRORS
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, DraftIn, DraftOut, ErrorOut
from agents.api.shapes import draft_out, username
from agents.permissions import EDIT_DRAFT, VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import branches as branch_selectors
from agents.services import branches as branch_services
from agents.services import drafts

branches_router = Router(tags=["branches"])

NAME = "^[a-z][a-z0-9-]{0,39}$"


class BranchIn(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(..., max_length=40, description=f"The branch's name: {NAME}")
    source: str = Field(
        "draft",
        alias="from",
        max_length=60,
        description="What it starts from: draft (default), draft:NAME, v3, r12, released, a label",
    )


class BaseOut(Schema):
    ref: str
    revision: int | None
    version: int | None
    content_hash: str


class HeadOut(Schema):
    revision: int
    content_hash: str
    updated_by: str | None
    updated_at: datetime


class BranchOut(Schema):
    name: str
    base: BaseOut
    head: HeadOut
    created_by: str | None
    created_at: datetime
    change_request: str | None = Field(description="Its open change request's id, if any")


class BranchList(Schema):
    data: list[BranchOut]


def branch_out(branch, change_request: str | None = None) -> dict:
    return {
        "name": branch.name,
        "base": {
            "ref": branch.base_ref,
            "revision": branch.base_revision,
            "version": branch.base_version.number if branch.base_version_id else None,
            "content_hash": branch.base_content_hash,
        },
        "head": {
            "revision": branch.revision,
            "content_hash": branch.content_hash,
            "updated_by": username(branch.updated_by),
            "updated_at": branch.updated_at,
        },
        "created_by": username(branch.created_by),
        "created_at": branch.created_at,
        "change_request": change_request,
    }


@branches_router.get("/{agent_id}/branches", response={200: BranchList, **ERRORS_READ})
def list_branches(request, agent_id: str):
    """An agent's branches"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    rows = list(branch_selectors.kept(agent))
    open_requests = branch_selectors.open_change_requests(rows)
    return {"data": [branch_out(b, open_requests.get(b.pk)) for b in rows]}


@branches_router.post(
    "/{agent_id}/branches", response={201: BranchOut, 403: ErrorOut, **ERRORS_WRITE}
)
def create_branch(request, agent_id: str, payload: BranchIn):
    """Start a branch: a draft of its own, from the draft or any reference

    Its saves are revisions in the agent's one `rN` sequence; it never touches the
    main draft, versions or releases."""
    principal = require(request, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(agent_id)
    branch = branch_services.create_branch(
        agent=agent, name=payload.name, source=payload.source, user=principal.user
    )
    return Status(201, branch_out(branch_selectors.branch(agent, branch.name)))


@branches_router.delete(
    "/{agent_id}/branches/{name}", response={204: None, 403: ErrorOut, **ERRORS_WRITE}
)
def delete_branch(request, agent_id: str, name: str):
    """Delete a branch (its revisions stay; not while a change request of it is open)"""
    principal = require(request, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(agent_id)
    branch_services.delete_branch(agent=agent, name=name, user=principal.user)
    return Status(204, None)


@branches_router.get("/{agent_id}/branches/{name}/draft", response={200: DraftOut, **ERRORS_READ})
def get_branch_draft(request, agent_id: str, name: str):
    """Get a branch's draft"""
    require(request, VIEW_AGENT)
    return draft_out(branch_selectors.branch(agents_selectors.agent_for_page(agent_id), name))


@branches_router.put(
    "/{agent_id}/branches/{name}/draft", response={200: DraftOut, **DRAFT_WRITE_ERRORS}
)
def put_branch_draft(request, agent_id: str, name: str, payload: DraftIn):
    """Replace a branch's draft (If-Match: its revision)"""
    return _write(request, agent_id, name, payload, drafts.update_draft, "config")


@branches_router.patch(
    "/{agent_id}/branches/{name}/draft", response={200: DraftOut, **DRAFT_WRITE_ERRORS}
)
def patch_branch_draft(request, agent_id: str, name: str, payload: DraftIn):
    """Merge-patch a branch's draft (RFC 7386; If-Match: its revision)"""
    return _write(request, agent_id, name, payload, drafts.patch_draft, "patch")


def _write(request, agent_id: str, name: str, payload: DraftIn, write, argument: str):
    """PUT and PATCH of a branch's draft, as the main draft's (api/documents)."""
    principal = require(request, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(agent_id)
    branch_selectors.branch(agent, name)  # 404 first
    saved = write(
        agent=agent,
        user=principal.user,
        expected_revision=if_match(request),
        branch=name,
        **{argument: payload.config},
    )
    return draft_out(saved)
