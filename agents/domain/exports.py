"""Rows as export lines: JSON Lines and CSV, one line per row, built without the
csv or json machinery's per-call overhead where it is safe to (the audit export
streams millions of rows)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def jsonl(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each row as one JSON object on its own line."""
    for row in rows:
        yield _encode(dict(zip(columns, map(_plain, row), strict=True))) + "\n"


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A header line, then each row as one CSV line (RFC 4180 quoting; a cell starting
    with =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(value) for value in row])
        yield buffer.getvalue()


def _cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def chunked(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Lines joined into chunks of about `size` bytes (fewer, larger writes)."""
    parts: list[str] = []
    length = 0
    for line in lines:
        parts.append(line)
        length += len(line)
        if length >= size:
            yield "".join(parts).encode()
            parts, length = [], 0
    if parts:
        yield "".join(parts).encode()
