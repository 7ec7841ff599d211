"""What every selector module shares."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from agents.domain.exceptions import UnknownReference

M = TypeVar("M", bound=Model)


def one(rows: QuerySet[M], missing: str) -> M:
    """The first of `rows`, or UnknownReference saying `missing`: an id or a number that
    names nothing is "not found" on every edge (404 in the API and the console)."""
    found = rows.first()
    if found is None:
        raise UnknownReference(missing)
    return found
