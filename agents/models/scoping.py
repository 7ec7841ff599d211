"""Which workspaces a request may see, applied by every scoped model's default manager.

A model that belongs to a workspace says how it gets there: `WORKSPACE = "workspace"`
for a column of its own, or a path through its foreign keys (`"agent__workspace"`,
`"change_request__agent__workspace"`). Its default manager (`ScopedManager`) then
narrows every query — lists, lookups by id, reverse relations (`agent.versions`),
the admin's querysets — to the workspaces of the current scope. The scope is set
once per request (console: the workspace chosen in the top bar; API: the token's
workspace) and is empty outside requests (jobs, commands, migrations act on rows
they were given by id). So a selector cannot forget the scope: it never names it.

The path is followed by subqueries, not joins, so `select_for_update()` on a scoped
model still locks its own rows only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    """`visible`: the workspace ids a request may see (None: every workspace);
    `acting`: the workspace whose role a permission check without an object asks."""

    visible: frozenset[int] | None = None
    acting: int | None = None


EVERYWHERE = Scope()
_scope: ContextVar[Scope] = ContextVar("workspace_scope", default=EVERYWHERE)


def current() -> Scope:
    return _scope.get()


@contextmanager
def within(visible: Iterable[int] | None, acting: int | None = None) -> Iterator[Scope]:
    """Narrow every scoped query to `visible` (None: no narrowing) while inside."""
    scope = Scope(None if visible is None else frozenset(visible), acting)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def enter(visible: Iterable[int] | None, acting: int | None = None):
    """Set the scope until `leave(token)` (for authentication, which cannot wrap the view)."""
    return _scope.set(Scope(None if visible is None else frozenset(visible), acting))


def leave(token) -> None:
    _scope.reset(token)


def narrowed(queryset: models.QuerySet, path: str, visible: frozenset[int]) -> models.QuerySet:
    """`queryset` keeping the rows whose `path` leads to one of `visible`."""
    head, _, rest = path.partition("__")
    if head == "workspace" and not rest:
        return queryset.filter(workspace_id__in=visible)
    related = queryset.model._meta.get_field(head).related_model
    inner = narrowed(related._base_manager.all(), rest, visible).values("pk")
    return queryset.filter(**{f"{head}__in": inner})


def in_scope(queryset: models.QuerySet) -> models.QuerySet:
    path = getattr(queryset.model, "WORKSPACE", None)
    visible = _scope.get().visible
    if path is None or visible is None:
        return queryset
    return narrowed(queryset, path, visible)


class ScopedManager(models.Manager):
    """The default manager of a model with a `WORKSPACE` path: every query is narrowed
    to the current scope (see the module's docstring)."""

    def get_queryset(self) -> models.QuerySet:
        return in_scope(super().get_queryset())


def workspace_id_of(obj) -> int | None:
    """The id of the workspace `obj` belongs to (following its `WORKSPACE` path), or
    `obj`'s own id when it is a workspace."""
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.model_name == "workspace":
        return obj.pk
    path = getattr(type(obj), "WORKSPACE", None)
    if path is None:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")
