"""The workspace switcher in the top bar, and a workspace's members page (its admins
add people, change roles and remove them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from agents.domain.permissions import MANAGE_MEMBERS, ROLE_NAMES
from agents.selectors import workspaces
from agents.services import workspaces as workspace_services
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, dialog, refused
from console.middleware import WorkspaceMiddleware


@routes.pages.post("workspaces/choose/", name="choose-workspace")
def choose_workspace(request: HtmxHttpRequest) -> HttpResponse:
    """Work in another of one's workspaces: its agents list opens."""
    chosen = workspaces.workspace(request.user, request.POST.get("workspace", ""))
    request.session[WorkspaceMiddleware.SESSION_KEY] = chosen.public_id
    messages.success(request, f"Now working in {chosen.name}.")
    return redirect("agents:list")


def _administered(request: HtmxHttpRequest, public_id: str):
    workspace = workspaces.workspace(request.user, public_id)
    if not request.user.has_perm(MANAGE_MEMBERS, workspace):
        raise PermissionDenied(f"Only an admin of {workspace.name} manages its members.")
    return workspace


@routes.pages.form("workspaces/<str:public_id>/members/", name="workspace-members")
def members(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Who works in the workspace with which role; add someone or change a role."""
    workspace = _administered(request, public_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        with refused() as refusal:
            workspace_services.set_member(
                workspace=workspace,
                username=username,
                role=request.POST.get("role", ""),
                user=request.user,
            )
        errors = refusal.errors
        if not errors:
            messages.success(request, f"{username} is {request.POST['role']} in {workspace.name}.")
            return redirect("agents:workspace-members", public_id=workspace.public_id)
    return render(
        request,
        "agents/workspaces/members.html",
        {
            "workspace": workspace,
            "members": workspaces.members(workspace),
            "roles": ROLE_NAMES,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@routes.pages.form(
    "workspaces/<str:public_id>/members/<str:username>/remove/", name="remove-member"
)
def remove_member(request: HtmxHttpRequest, public_id: str, username: str) -> HttpResponse:
    """GET asks to confirm; POST removes (their tokens in the workspace stop working)."""
    workspace = _administered(request, public_id)
    membership = workspaces.member(workspace, username)
    if request.method == "GET":
        return dialog(
            request,
            "agents/shared/_confirm_dialog.html",
            {
                "title": f"Remove {username} from {workspace.name}?",
                "message": "They lose their role here; their API tokens for this workspace "
                "are refused from the next request.",
                "action": request.path,
                "confirm_label": "Remove member",
            },
        )
    with refused() as refusal:
        workspace_services.remove_member(
            workspace=workspace, username=membership.user.username, user=request.user
        )
    if refusal.errors:
        messages.error(request, " ".join(refusal.errors.values()))
    else:
        messages.success(request, f"{username} no longer works in {workspace.name}.")
    return redirect("agents:workspace-members", public_id=workspace.public_id)
