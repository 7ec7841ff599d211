"""Where something new goes: the workspace a user creates an agent, a prompt, a
webhook or a token in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.domain.permissions import CREATE_AGENT
from agents.models import Workspace
from agents.models.scoping import current
from agents.selectors import workspaces as selectors
from agents.services.audit import audited
from agents.services.base import User

DEFAULT_NAME = "Default"


def default_workspace() -> Workspace:
    """The workspace everything belongs to on an installation that made no other
    (created again if a test flushed it away)."""
    return Workspace.objects.order_by("pk").first() or _make_default()


@audited("workspace.create")
def _make_default() -> Workspace:
    return Workspace.objects.get_or_create(name=DEFAULT_NAME)[0]


def workspace_for_new(user: User, public_id: Any = None, *, perm: str = CREATE_AGENT) -> Workspace:
    """Where something `user` creates goes: the workspace named (a Workspace or the id
    of one of theirs) where they hold `perm`, else the scope's acting workspace, else
    their only one. InvalidInput when they have several and named none; PermissionDenied
    without `perm` there (a system write, user None, is not asked)."""
    if isinstance(public_id, Workspace):
        found = public_id
    elif public_id not in (None, ""):
        if not isinstance(public_id, str):
            raise InvalidInput([{"path": "workspace", "message": "must be a workspace id"}])
        try:
            found = selectors.workspace(user, public_id)
        except UnknownReference as exc:
            raise InvalidInput([{"path": "workspace", "message": str(exc)}]) from exc
    elif (acting := current().acting) is not None:
        found = Workspace.objects.get(pk=acting)
    else:
        seats = selectors.seats_of(user) if user is not None and user.is_authenticated else []
        if len(seats) > 1:
            names = ", ".join(f"{s.public_id} ({s.name})" for s in seats)
            raise InvalidInput(
                [{"path": "workspace", "message": f"is required: you work in {names}"}]
            )
        found = seats[0].workspace if seats else default_workspace()
    if user is not None and not user.has_perm(perm, found):
        raise PermissionDenied(f"Your role in {found.name} lacks the permission {perm}.")
    return found
