"""Workspaces and their members, as a user sees them (API.md, "Workspaces, single
sign-on and the audit log")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from agents.domain.exceptions import UnknownReference
from agents.models import Membership, Workspace
from agents.models.scoping import current
from agents.selectors.base import one


@dataclass(frozen=True)
class Seat:
    """A workspace as one user has it: with their role there (None for a superuser
    who is not a member: every permission all the same)."""

    workspace: Workspace
    role: str | None

    @property
    def public_id(self) -> str:
        return self.workspace.public_id

    @property
    def name(self) -> str:
        return self.workspace.name


def seats_of(user) -> list[Seat]:
    """The workspaces `user` works in, by name, in one query; a superuser has every
    workspace. Also primes the user's roles for permission checks."""
    memberships = Membership._base_manager.filter(user_id=user.pk).select_related("workspace")
    roles = {m.workspace_id: m.role for m in memberships}
    user._workspace_roles = roles
    if user.is_superuser:
        workspaces = list(Workspace.objects.order_by("name", "id"))
    else:
        workspaces = sorted((m.workspace for m in memberships), key=lambda w: (w.name, w.pk))
    return [Seat(w, roles.get(w.pk)) for w in workspaces]


def chosen(seats: list[Seat], public_id: str | None) -> Seat | None:
    """The seat named `public_id`, else the first (None for a user of no workspace)."""
    for seat in seats:
        if seat.public_id == public_id:
            return seat
    return seats[0] if seats else None


def workspace(user, public_id: str) -> Workspace:
    """One of `user`'s workspaces; UnknownReference for any other (no existence leak)."""
    for seat in seats_of(user):
        if seat.public_id == public_id:
            return seat.workspace
    raise UnknownReference(f"No workspace {public_id}.")


def in_scope() -> QuerySet[Workspace]:
    """The workspaces the request sees (its scope), by name: a token's one, or every
    workspace for a superuser's token that acts everywhere."""
    visible = current().visible
    rows = Workspace.objects.order_by("name", "id")
    return rows if visible is None else rows.filter(pk__in=visible)


def in_scope_named(public_id: str) -> Workspace:
    """The workspace `public_id` if the request sees it; UnknownReference otherwise."""
    return one(in_scope().filter(public_id=public_id), f"No workspace {public_id}.")


def members(workspace: Workspace) -> list[Membership]:
    """A workspace's members by username."""
    return list(
        Membership._base_manager.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )


def member(workspace: Workspace, username: str) -> Membership:
    return one(
        Membership._base_manager.filter(
            workspace=workspace, user__username=username
        ).select_related("user"),
        f"{username} is not a member of {workspace.name}.",
    )
