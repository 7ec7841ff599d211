"""Cleaning operator-typed text: the one place its rules live."""

from __future__ import annotations

import re
from typing import Any

from agents.domain.exceptions import InvalidInput

# Tabs, newlines and carriage returns are text; every other C0/C1 control
# character (NUL, ESC, bidi tricks aside) is refused at input.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

NAME_MAX = 200


def no_control_chars(value: str) -> str:
    """`value` unchanged, or ValueError when it holds a control character."""
    if CONTROL_CHARS.search(value):
        raise ValueError("must not contain control characters")
    return value


def clean_text(value: Any, *, path: str, required: bool, max_length: int | None) -> str:
    """A stripped string, or InvalidInput naming `path` (None reads as empty)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput([{"path": path, "message": "must be a string"}])
    try:  # before stripping: a control character that strip() would drop is refused too
        no_control_chars(value)
    except ValueError as exc:
        raise InvalidInput([{"path": path, "message": str(exc)}]) from None
    value = value.strip()
    if required and not value:
        raise InvalidInput([{"path": path, "message": "is required"}])
    if max_length is not None and len(value) > max_length:
        raise InvalidInput([{"path": path, "message": f"must be at most {max_length} characters"}])
    return value


def clean_metadata(name: str | None, description: str | None) -> dict[str, str]:
    """A name and description (whichever is given), cleaned: what agents, suites and
    versions share. Problems with both are reported together."""
    fields: dict[str, str] = {}
    problems: list[dict[str, str]] = []
    for key, value, required, limit in (
        ("name", name, True, NAME_MAX),
        ("description", description, False, None),
    ):
        if value is None:
            continue
        try:
            fields[key] = clean_text(value, path=key, required=required, max_length=limit)
        except InvalidInput as exc:
            problems.extend(exc.errors)
    if problems:
        raise InvalidInput(problems)
    return fields
