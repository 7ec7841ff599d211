"""What a save introduced, line by line (pure): the lines a text field gained and the
new values of other fields, compared with what the same draft held before; and the
excerpt a search shows."""

from __future__ import annotations

import difflib
import hashlib
import json
from typing import Any

EXCERPT = 120  # characters around a match


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def introduced(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, text) for each line `new` added to a text field (multi-line text, by line)
    and each other leaf it set, against `old` (None: everything is new)."""
    found: list[tuple[str, str]] = []
    for path, before, after in _set(old, new, ""):
        if isinstance(after, str) and (
            "\n" in after or (isinstance(before, str) and "\n" in before)
        ):
            found.extend((path, line) for line in added_lines(before, after) if line.strip())
        else:
            found.append((path, after if isinstance(after, str) else _compact(after)))
    return found


def _set(old: Any, new: Any, prefix: str):
    """(path, old, new) for each leaf `new` holds that differs from `old`'s."""
    if isinstance(new, dict):
        for key, value in new.items():
            child = f"{prefix}.{key}" if prefix else str(key)
            yield from _set(old.get(key) if isinstance(old, dict) else None, value, child)
    elif new is not None and new != old:
        yield prefix, old, new


def added_lines(before: Any, after: str) -> list[str]:
    """The lines of `after` that are not matched to a line of `before`."""
    old = before.split("\n") if isinstance(before, str) else []
    new = after.split("\n")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        line
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes()
        if tag in ("insert", "replace")
        for line in new[j1:j2]
    ]


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def excerpt(text: str, phrase: str) -> str:
    """The part of `text` around the first match of `phrase` (case ignored)."""
    at = text.lower().find(phrase.lower())
    if at < 0 or len(text) <= EXCERPT:
        return text[:EXCERPT]
    start = max(0, at - (EXCERPT - len(phrase)) // 2)
    end = min(len(text), start + EXCERPT)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
