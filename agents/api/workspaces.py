"""Workspaces and their members (API.md, "Workspaces, single sign-on and the audit
log"). A token sees its own workspace (a superuser's token acting everywhere: all)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut
from agents.domain.permissions import MANAGE_MEMBERS, VIEW_AGENT
from agents.models import Membership, Workspace
from agents.selectors import workspaces as selectors
from agents.services import workspaces as services

workspaces_router = Router(tags=["workspaces"])

Role = Literal["viewer", "editor", "releaser", "admin"]


class WorkspaceOut(Schema):
    id: str
    name: str
    role: Role | None = Field(description="the caller's (null: a superuser's, every permission)")
    created_at: datetime


class WorkspaceList(Schema):
    data: list[WorkspaceOut]


class WorkspaceIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(..., min_length=1, max_length=100)


class MemberOut(Schema):
    workspace: str
    username: str
    role: Role
    since: datetime


class MemberList(Schema):
    data: list[MemberOut]


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    role: Role


def _out(workspace: Workspace, role: str | None) -> dict:
    return {
        "id": workspace.public_id,
        "name": workspace.name,
        "role": role,
        "created_at": workspace.created_at,
    }


def _member_out(membership: Membership) -> dict:
    return {
        "workspace": membership.workspace.public_id,
        "username": membership.user.get_username(),
        "role": membership.role,
        "since": membership.created_at,
    }


def _workspace(request: HttpRequest, public_id: str) -> Workspace:
    """One of the caller's workspaces where they are an admin; 404 for any other."""
    found = selectors.in_scope_named(public_id)
    require(request, MANAGE_MEMBERS)
    return found


@workspaces_router.get("", response={200: WorkspaceList, **ERRORS_READ})
def list_workspaces(request):
    """The caller's workspaces, with their role in each"""
    principal = require(request, VIEW_AGENT)
    return {"data": [_out(w, principal.role) for w in selectors.in_scope()]}


@workspaces_router.post("", response={201: WorkspaceOut, **ERRORS_WRITE})
def create_workspace(request, payload: WorkspaceIn):
    """Create a workspace (superusers)"""
    principal = request.auth
    created = services.create_workspace(name=payload.name, user=principal.user)
    return Status(201, _out(created, None))


@workspaces_router.get("/{workspace_id}/members", response={200: MemberList, **ERRORS_READ})
def list_members(request, workspace_id: str):
    """A workspace's members (its admins)"""
    workspace = _workspace(request, workspace_id)
    return {"data": [_member_out(m) for m in selectors.members(workspace)]}


@workspaces_router.get(
    "/{workspace_id}/members/{username}", response={200: MemberOut, **ERRORS_READ}
)
def get_member(request, workspace_id: str, username: str):
    """One member's role (its admins)"""
    workspace = _workspace(request, workspace_id)
    return _member_out(selectors.member(workspace, username))


@workspaces_router.put(
    "/{workspace_id}/members/{username}", response={200: MemberOut, 409: ErrorOut, **ERRORS_WRITE}
)
def put_member(request, workspace_id: str, username: str, payload: MemberIn):
    """Give a user a role in the workspace, adding them if need be (its admins)

    Refused (409 `invalid_state`) when it would leave the workspace without an admin."""
    workspace = _workspace(request, workspace_id)
    services.set_member(
        workspace=workspace, username=username, role=payload.role, user=request.auth.user
    )
    return _member_out(selectors.member(workspace, username))


@workspaces_router.delete(
    "/{workspace_id}/members/{username}", response={204: None, 409: ErrorOut, **ERRORS_READ}
)
def delete_member(request, workspace_id: str, username: str):
    """Take a user out of the workspace (its admins); their tokens there stop working"""
    workspace = _workspace(request, workspace_id)
    services.remove_member(workspace=workspace, username=username, user=request.auth.user)
    return HttpResponse(status=204)
