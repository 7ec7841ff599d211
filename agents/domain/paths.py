"""Reading and writing one spot of a configuration document by the path the diff
engine names it (domain/diff.py): `llm.temperature`, `prompt.system_prompt`,
`tools[lookup]` (an identified item), `tools[lookup].url`, `examples[0]`."""

from __future__ import annotations

import copy
import re
from typing import Any

from agents.domain.diff import IDENTITY_KEYS

_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


class NoSuchPath(LookupError):
    pass


def steps(path: str) -> list[tuple[str, str]]:
    """("key", name) and ("item", identity or index) steps of a path."""
    found = []
    position = 0
    for match in _STEP.finditer(path):
        between = path[position : match.start()]
        if between not in ("", "."):
            raise NoSuchPath(path)
        found.append(("key", match[1]) if match[1] is not None else ("item", match[2]))
        position = match.end()
    if not found or position != len(path):
        raise NoSuchPath(path)
    return found


def _schema_path(keys: list[str]) -> str:
    return ".".join(keys)


def get(document: Any, path: str) -> Any:
    """The value at `path`, or NoSuchPath."""
    value = document
    keys: list[str] = []
    for kind, name in steps(path):
        value = _child(value, kind, name, keys)
        if kind == "key":
            keys.append(name)
    return value


def put(document: dict, path: str, value: Any) -> dict:
    """A copy of `document` with `value` at `path` (the spot must exist, or be a new
    key of an existing object)."""
    found = copy.deepcopy(document)
    parent: Any = found
    keys: list[str] = []
    walked = steps(path)
    for kind, name in walked[:-1]:
        parent = _child(parent, kind, name, keys)
        if kind == "key":
            keys.append(name)
    kind, name = walked[-1]
    if kind == "key":
        if not isinstance(parent, dict):
            raise NoSuchPath(path)
        parent[name] = value
    else:
        parent[_index(parent, name, keys)] = value
    return found


def _child(value: Any, kind: str, name: str, keys: list[str]) -> Any:
    if kind == "key":
        if not isinstance(value, dict) or name not in value:
            raise NoSuchPath(name)
        return value[name]
    return value[_index(value, name, keys)]


def _index(items: Any, name: str, keys: list[str]) -> int:
    if not isinstance(items, list):
        raise NoSuchPath(name)
    key = IDENTITY_KEYS.get(_schema_path(keys))
    for i, item in enumerate(items):
        if key and isinstance(item, dict) and item.get(key) == name:
            return i
    if name.isdigit() and int(name) < len(items):
        return int(name)
    raise NoSuchPath(name)
