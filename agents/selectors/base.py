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


def where(rows: QuerySet[M], **conditions) -> QuerySet[M]:
    """`rows` narrowed by each condition that is given: a filter left empty (None, "",
    False) does not narrow."""
    given = {name: value for name, value in conditions.items() if value not in (None, "", False)}
    return rows.filter(**given) if given else rows
