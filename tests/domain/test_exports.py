"""Export lines: JSON Lines and CSV, one row a line, formulas defused."""

import json
from datetime import UTC, datetime

from agents.domain import exports

COLUMNS = ("id", "at", "detail")
ROWS = [(1, datetime(2026, 12, 6, 1, 2, 3, tzinfo=UTC), 'said "hi", twice'), (2, None, "=1+1")]


def test_jsonl_is_one_object_a_line():
    lines = list(exports.jsonl(COLUMNS, ROWS))
    assert [json.loads(line) for line in lines] == [
        {"id": 1, "at": "2026-12-06T01:02:03Z", "detail": 'said "hi", twice'},
        {"id": 2, "at": None, "detail": "=1+1"},
    ]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)


def test_csv_quotes_and_defuses_formulas():
    lines = list(exports.csv_lines(COLUMNS, ROWS))
    assert lines == [
        "id,at,detail\r\n",
        '1,2026-12-06T01:02:03Z,"said ""hi"", twice"\r\n',
        "2,,'=1+1\r\n",
    ]


def test_lines_are_chunked_without_losing_any():
    lines = [f"{i}\n" for i in range(10_000)]
    chunks = list(exports.chunked(lines, size=1_000))
    assert len(chunks) > 10
    assert b"".join(chunks).decode() == "".join(lines)
    assert list(exports.chunked([])) == []
