"""One diff engine for configuration documents (pure Python, no database).

`diff(old, new)` yields `Change`s by path:

- scalars: `llm.temperature` changed old → new;
- lists of identified items are matched by identity — tools by `name`,
  knowledge by `knowledge_base_id`, analysis fields by `name` — and reported as
  `tools[lookup_order]` added / removed / moved, with nested changes such as
  `tools[lookup_order].url`;
- other objects (JSON Schema, workflow) are walked key by key, other lists
  position by position;
- long or multi-line text carries line hunks with intra-line highlights of
  whole words (characters only inside a word respelled).

The HTML views and the JSON API render the same changes. Text work is bounded:
common prefixes and suffixes are trimmed first, line matching is difflib's
(linear-ish for real prompts), and intra-line highlighting is skipped for pairs
that would cost more than a fixed budget, so any input up to the document size
cap finishes in bounded time.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["added", "removed", "changed", "moved"]

# List path (without indices) -> the key that identifies an item.
IDENTITY_KEYS: dict[str, str] = {
    "tools": "name",
    "knowledge": "knowledge_base_id",
    "call_analysis.fields": "name",
}
CONTEXT_LINES = 3
TEXT_INLINE_LIMIT = 80  # strings longer than this (or with newlines) get line hunks
INTRALINE_MAX_LINE = 2_000  # characters; longer lines are shown whole
INTRALINE_BUDGET = 4_000_000  # sum of len(a) * len(b) over all highlighted pairs


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class Line:
    """One row of a side-by-side text diff. `kind` is equal | replace | delete | insert | skip."""

    kind: str
    old_no: int | None = None
    new_no: int | None = None
    old: tuple[Segment, ...] = ()
    new: tuple[Segment, ...] = ()
    skipped: int = 0  # for kind == "skip": unchanged lines not shown


@dataclass
class Change:
    path: str
    op: Op
    old: Any = None
    new: Any = None
    lines: list[Line] | None = None  # text changes: side-by-side rows
    # A short one-line text change: (old, new) with the changed words marked.
    words: tuple[tuple[Segment, ...], tuple[Segment, ...]] | None = None

    @property
    def section(self) -> str:
        return self.path.split(".")[0].split("[")[0]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "op": self.op}
        if self.op != "added":
            data["old"] = self.old
        if self.op != "removed":
            data["new"] = self.new
        return data


@dataclass
class _Budget:
    remaining: int = INTRALINE_BUDGET


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
        for change in self.changes:
            counts[change.op] += 1
        return counts

    def by_section(self, sections: tuple[str, ...]) -> list[tuple[str, list[Change]]]:
        grouped: dict[str, list[Change]] = {name: [] for name in sections}
        for change in self.changes:
            grouped.setdefault(change.section, []).append(change)
        return list(grouped.items())


def diff(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    result = Diff()
    _walk(old, new, "", "", result.changes, _Budget())
    return result


# ------------------------------------------------------------------ structure


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _walk(old: Any, new: Any, path: str, schema_path: str, out: list[Change], budget: _Budget):
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            child, child_schema = _join(path, str(key)), _join(schema_path, str(key))
            if key not in new:
                out.append(Change(child, "removed", old=old[key]))
            elif key not in old:
                out.append(Change(child, "added", new=new[key]))
            else:
                _walk(old[key], new[key], child, child_schema, out, budget)
        return
    if isinstance(old, list) and isinstance(new, list):
        identity = IDENTITY_KEYS.get(schema_path)
        if identity and _identified(old, identity) and _identified(new, identity):
            _walk_identified(old, new, path, schema_path, identity, out, budget)
        else:
            _walk_positional(old, new, path, schema_path, out, budget)
        return
    if isinstance(old, str) and isinstance(new, str) and _is_long_text(old, new):
        out.append(Change(path, "changed", old=old, new=new, lines=text_lines(old, new, budget)))
        return
    if isinstance(old, str) and isinstance(new, str):
        out.append(Change(path, "changed", old=old, new=new, words=_intraline(old, new, budget)))
        return
    out.append(Change(path, "changed", old=old, new=new))


def _identified(items: list[Any], key: str) -> bool:
    seen = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(key), str) or item[key] in seen:
            return False
        seen.add(item[key])
    return True


def _walk_identified(old, new, path, schema_path, key, out, budget):
    old_by = {item[key]: item for item in old}
    new_by = {item[key]: item for item in new}
    for item in old:
        if item[key] not in new_by:
            out.append(Change(f"{path}[{item[key]}]", "removed", old=item))
    # Items kept in both whose relative order changed: the fewest moves are the
    # ones outside a longest common subsequence of the shared ids.
    old_order = [item[key] for item in old if item[key] in new_by]
    new_order = [item[key] for item in new if item[key] in old_by]
    stay = set(_lcs(old_order, new_order))
    new_index = {item[key]: i for i, item in enumerate(new)}
    old_index = {item[key]: i for i, item in enumerate(old)}
    for item in new:
        ident = item[key]
        item_path = f"{path}[{ident}]"
        if ident not in old_by:
            out.append(Change(item_path, "added", new=item))
            continue
        if ident not in stay:
            out.append(Change(item_path, "moved", old=old_index[ident], new=new_index[ident]))
        _walk(old_by[ident], item, item_path, schema_path, out, budget)


def _walk_positional(old, new, path, schema_path, out, budget):
    for i in range(max(len(old), len(new))):
        child = f"{path}[{i}]"
        if i >= len(new):
            out.append(Change(child, "removed", old=old[i]))
        elif i >= len(old):
            out.append(Change(child, "added", new=new[i]))
        else:
            _walk(old[i], new[i], child, f"{schema_path}[]", out, budget)


def _lcs(a: list[str], b: list[str]) -> list[str]:
    """A longest common subsequence of two orderings of the same ids (patience-free O(n log n))."""
    position = {value: i for i, value in enumerate(b)}
    sequence = [position[value] for value in a if value in position]
    # Longest increasing subsequence of positions.
    tails: list[int] = []
    tails_at: list[int] = []
    parent = [-1] * len(sequence)
    for i, value in enumerate(sequence):
        j = bisect.bisect_left(tails, value)
        if j == len(tails):
            tails.append(value)
            tails_at.append(i)
        else:
            tails[j] = value
            tails_at[j] = i
        parent[i] = tails_at[j - 1] if j else -1
    result = []
    i = tails_at[-1] if tails_at else -1
    while i >= 0:
        result.append(b[sequence[i]])
        i = parent[i]
    return result[::-1]


def _is_long_text(old: str, new: str) -> bool:
    return "\n" in old or "\n" in new or max(len(old), len(new)) > TEXT_INLINE_LIMIT


# ------------------------------------------------------------------ text


def text_lines(old: str, new: str, budget: _Budget | None = None) -> list[Line]:
    """Side-by-side rows for two texts: changed lines with intra-line highlights,
    unchanged runs collapsed to CONTEXT_LINES of context."""
    budget = budget or _Budget()
    a, b = old.splitlines(), new.splitlines()
    # Trim the common head and tail: cheap, and it keeps the matcher's work to
    # the region that actually changed.
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    rows: list[Line] = [
        Line("equal", i + 1, i + 1, _plain(a[i]), _plain(a[i])) for i in range(head)
    ]
    matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=len(middle_a) > 200)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            old_line = middle_a[i] if i < i2 else None
            new_line = middle_b[j] if j < j2 else None
            old_no = head + i + 1 if old_line is not None else None
            new_no = head + j + 1 if new_line is not None else None
            if tag == "equal":
                rows.append(Line("equal", old_no, new_no, _plain(old_line), _plain(new_line)))
            elif old_line is not None and new_line is not None:
                old_segments, new_segments = _intraline(old_line, new_line, budget)
                rows.append(Line("replace", old_no, new_no, old_segments, new_segments))
            elif old_line is not None:
                rows.append(Line("delete", old_no, None, (Segment(old_line, True),), ()))
            else:
                rows.append(Line("insert", None, new_no, (), (Segment(new_line, True),)))
    offset_a, offset_b = len(a) - tail, len(b) - tail
    rows.extend(
        Line(
            "equal",
            offset_a + k + 1,
            offset_b + k + 1,
            _plain(a[offset_a + k]),
            _plain(a[offset_a + k]),
        )
        for k in range(tail)
    )
    return _collapse(rows)


def _plain(text: str | None) -> tuple[Segment, ...]:
    return (Segment(text),) if text else ()


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
WORD_SIMILARITY = 0.6  # a changed word this close to its replacement is refined per character


def _intraline(a: str, b: str, budget: _Budget) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Highlight whole words: `move` → `reschedule` marks both words, never `mov|e`.
    A single word replaced by a near spelling (`cancelation` → `cancellation`) is
    refined to the characters that differ, where that reads better."""
    cost = len(a) * len(b)
    if len(a) > INTRALINE_MAX_LINE or len(b) > INTRALINE_MAX_LINE or cost > budget.remaining:
        return (Segment(a, True),), (Segment(b, True),)
    budget.remaining -= cost
    old_tokens, new_tokens = _TOKEN.findall(a), _TOKEN.findall(b)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_segments: list[Segment] = []
    new_segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1 and _near(old_text, new_text):
            old_segments.extend(_characters(old_text, new_text, old=True))
            new_segments.extend(_characters(old_text, new_text, old=False))
            continue
        if old_text:
            old_segments.append(Segment(old_text, tag != "equal"))
        if new_text:
            new_segments.append(Segment(new_text, tag != "equal"))
    return _merge(old_segments), _merge(new_segments)


def _near(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 4 and (
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= WORD_SIMILARITY
    )


def _characters(a: str, b: str, *, old: bool) -> list[Segment]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    text, side = (a, 1) if old else (b, 3)
    segments = []
    for opcode in matcher.get_opcodes():
        start, end = opcode[side], opcode[side + 1]
        if end > start:
            segments.append(Segment(text[start:end], opcode[0] != "equal"))
    return segments


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        else:
            merged.append(segment)
    return tuple(merged)


def _collapse(rows: list[Line]) -> list[Line]:
    """Keep CONTEXT_LINES unchanged lines around each change; fold the rest."""
    keep = [False] * len(rows)
    for index, row in enumerate(rows):
        if row.kind != "equal":
            for k in range(
                max(0, index - CONTEXT_LINES), min(len(rows), index + CONTEXT_LINES + 1)
            ):
                keep[k] = True
    collapsed: list[Line] = []
    skipped = 0
    for row, kept in zip(rows, keep, strict=True):
        if kept:
            if skipped:
                collapsed.append(Line("skip", skipped=skipped))
                skipped = 0
            collapsed.append(row)
        else:
            skipped += 1
    if skipped:
        collapsed.append(Line("skip", skipped=skipped))
    return collapsed
