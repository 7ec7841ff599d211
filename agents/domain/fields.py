"""Copying a row's fields into a response or event body, as they are."""

from __future__ import annotations

from typing import Any


def attributes(row: Any, *names: str) -> dict[str, Any]:
    """`{"name": row.name, …}` for each of `names`: the fields a body shows unchanged."""
    return {name: getattr(row, name) for name in names}


def number(version: Any) -> int | None:
    """A version's number, or None where there is no version."""
    return version.number if version is not None else None
