"""Three-way merge of configuration documents (pure Python): a branch's edits and the
draft's, both since the branch's base, combined into one document.

Per leaf path, as the diff engine walks documents (domain/diff.py):

- a value changed on one side only takes that side; changed the same way on both,
  that value; changed differently on both, a conflict;
- objects are merged key by key (a key added, removed or changed on one side);
- lists of identified items (tools by `name`, knowledge by `knowledge_base_id`,
  analysis fields by `name`) are merged item by item by identity, and their order
  as a sequence of identities (below); an item removed on one side and changed on
  the other is a conflict; other lists are one value each;
- text with more than one line is merged by line (diff3): lines edited on one
  side land, lines edited on both sides alike land once, lines edited differently
  on both (or different lines inserted at one place) are a conflict of that text.

The result is symmetric: merging (base, a, b) and (base, b, a) give the same
document and the same conflicts, with the sides' labels swapped. A conflict is
resolved by `resolutions` ({path: "draft" | "branch" | {"value": any}}); an
unresolved one leaves the draft's value in the preview.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agents.domain.diff import IDENTITY_KEYS
from agents.domain.exceptions import InvalidInput


class _Absent:
    """A key or item one side does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
SIDES = ("draft", "branch")


@dataclass(frozen=True)
class Conflict:
    """One place both sides changed differently: the three values (ABSENT where a side
    has none). For a text, `merged` is the text with the clean lines merged and each
    conflicting run shown between markers, to edit into the resolution."""

    path: str
    base: Any
    draft: Any
    branch: Any
    merged: str | None = None

    def as_json(self) -> dict[str, Any]:
        found = {
            "path": self.path,
            **{side: None if value is ABSENT else value for side, value in self._sides()},
        }
        if self.merged is not None:
            found["merged"] = self.merged
        return found

    def _sides(self):
        return (("base", self.base), ("draft", self.draft), ("branch", self.branch))


@dataclass
class Merged:
    value: Any
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge(
    base: Any,
    draft: Any,
    branch: Any,
    resolutions: Mapping[str, Any] | None = None,
) -> Merged:
    """Merge `draft` and `branch`, both descended from `base`. `resolutions` settles
    conflicts by path; one naming no conflict is refused (InvalidInput), so a
    resolution never silently lands somewhere else."""
    resolutions = dict(resolutions or {})
    problems = [
        {"path": f"resolutions.{path}", "message": 'one of "draft", "branch" or {"value": …}'}
        for path, choice in resolutions.items()
        if not (choice in SIDES or (isinstance(choice, dict) and set(choice) == {"value"}))
    ]
    if problems:
        raise InvalidInput(problems)
    result = Merged(value=None)
    result.value = _merge(base, draft, branch, "", "", _Context(resolutions, result))
    unused = sorted(set(resolutions) - set(result.resolved))
    if unused:
        raise InvalidInput(
            [
                {"path": f"resolutions.{p}", "message": "is not a conflict of this merge"}
                for p in unused
            ]
        )
    return result


@dataclass
class _Context:
    resolutions: dict[str, Any]
    result: Merged

    def conflict(self, conflict: Conflict) -> Any:
        """The value at a conflict: its resolution's, else the draft's (recorded)."""
        choice = self.resolutions.get(conflict.path)
        if choice is None:
            self.result.conflicts.append(conflict)
            return conflict.draft
        self.result.resolved.append(conflict.path)
        if choice == "draft":
            return conflict.draft
        if choice == "branch":
            return conflict.branch
        return choice["value"]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _merge(base: Any, a: Any, b: Any, path: str, schema_path: str, context: _Context) -> Any:
    if a == b:
        return a
    if base == a:
        return b
    if base == b:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        return _merge_objects(
            base if isinstance(base, dict) else {}, a, b, path, schema_path, context
        )
    if isinstance(a, list) and isinstance(b, list):
        key = IDENTITY_KEYS.get(schema_path)
        lists = (base if isinstance(base, list) else [], a, b)
        if key and all(_identified(items, key) for items in lists):
            return _merge_identified(*lists, key, path, schema_path, context)
    texts = (base, a, b)
    if all(isinstance(t, str) for t in texts) and any("\n" in t for t in texts):
        return _merge_text(base, a, b, path, context)
    return context.conflict(Conflict(path, base, a, b))


def _merge_objects(base: dict, a: dict, b: dict, path, schema_path, context) -> dict:
    merged = {}
    keys = [*a, *(k for k in b if k not in a), *(k for k in base if k not in a and k not in b)]
    for key in keys:
        value = _merge(
            base.get(key, ABSENT),
            a.get(key, ABSENT),
            b.get(key, ABSENT),
            _join(path, str(key)),
            _join(schema_path, str(key)),
            context,
        )
        if value is not ABSENT:
            merged[key] = value
    return merged


def _identified(items: list[Any], key: str) -> bool:
    ids = [item.get(key) if isinstance(item, dict) else None for item in items]
    return all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def _merge_identified(base: list, a: list, b: list, key: str, path, schema_path, context) -> list:
    """Items merged by identity; their order merged as a sequence of identities (a
    conflict of the list's own path when both sides reordered or inserted at one
    place differently); items kept only by a resolution go where the draft (else
    the branch) had them."""
    by = [{item[key]: item for item in items} for items in (base, a, b)]
    items: dict[str, Any] = {}
    for ident in [*by[1], *(i for i in by[2] if i not in by[1]), *by[0]]:
        if ident in items:
            continue
        value = _merge(
            by[0].get(ident, ABSENT),
            by[1].get(ident, ABSENT),
            by[2].get(ident, ABSENT),
            f"{path}[{ident}]",
            schema_path,
            context,
        )
        items[ident] = value
    orders = [[item[key] for item in items_] for items_ in (base, a, b)]
    order, clean = _merge_lines(*orders)
    if not clean:
        order = context.conflict(Conflict(path, orders[0], orders[1], orders[2]))
        if not isinstance(order, list) or set(order) != set(orders[1]) | set(orders[2]):
            order = orders[1] + [i for i in orders[2] if i not in orders[1]]
    kept = [ident for ident in order if items.get(ident, ABSENT) is not ABSENT]
    for ident in [*orders[1], *orders[2]]:  # kept by a resolution, dropped by the order
        if items.get(ident, ABSENT) is not ABSENT and ident not in kept:
            kept.append(ident)
    return [items[ident] for ident in dict.fromkeys(kept)]


def _merge_text(base: str, a: str, b: str, path: str, context: _Context) -> str:
    lines, clean = _merge_lines(base.split("\n"), a.split("\n"), b.split("\n"))
    if clean:
        return "\n".join(lines)
    marked = "\n".join(_merge_lines(base.split("\n"), a.split("\n"), b.split("\n"), marks=True)[0])
    return context.conflict(Conflict(path, base, a, b, merged=marked))


# ------------------------------------------------------------------ diff3


def _matches(base: list, other: list) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [block for block in matcher.get_matching_blocks() if block[2]]


def _merge_lines(base: list, a: list, b: list, *, marks: bool = False) -> tuple[list, bool]:
    """diff3: the runs where both sides still match the base (stable) are kept; each
    run between them takes the side that changed it, or either when both made the
    same change; otherwise it conflicts. (merged, clean); with `marks`, a conflicting
    run is written between <<<<<<< draft / ======= / >>>>>>> branch lines."""
    stable = []
    ma, mb = _matches(base, a), _matches(base, b)
    i = j = 0
    while i < len(ma) and j < len(mb):
        (za, ia, la), (zb, ib, lb) = ma[i], mb[j]
        low, high = max(za, zb), min(za + la, zb + lb)
        if low < high:
            stable.append((low, high, ia + low - za, ib + low - zb))
        if za + la < zb + lb:
            i += 1
        else:
            j += 1
    stable.append((len(base), len(base), len(a), len(b)))
    merged: list = []
    clean = True
    z = x = y = 0
    for low, high, at_a, at_b in stable:
        run_base, run_a, run_b = base[z:low], a[x:at_a], b[y:at_b]
        if run_a == run_base:
            merged += run_b
        elif run_b == run_base or run_a == run_b:
            merged += run_a
        else:
            clean = False
            if marks:
                merged += ["<<<<<<< draft", *run_a, "=======", *run_b, ">>>>>>> branch"]
            else:
                merged += run_a
        size = high - low
        merged += base[low:high]
        z, x, y = high, at_a + size, at_b + size
    return merged, clean
