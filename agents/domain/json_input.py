"""Reading JSON and text from the outside world, strictly, in one place.

Everything the API's bodies, the console's JSON fields and query strings carry
goes through these rules before any code looks at it, so nothing a database,
a JSON encoder or a later restore cannot take is ever stored:

- no NUL character and no lone surrogate (`"\\udb8e"`) in any string or key:
  PostgreSQL refuses the first, UTF-8 cannot encode the second;
- numbers are finite (`NaN`, `Infinity` and `1e309` are refused: a stored NaN
  made a version impossible to restore, a stored Infinity made the API emit
  invalid JSON) and integers fit in ±2^53, what every JSON client can hold;
- documents nest at most MAX_DEPTH levels;
- line endings are `\n`: a `\r\n` (what a browser sends for every line of a
  textarea, and what Windows editors write) or a lone `\r` becomes `\n`, so the
  same text never shows as changed in diffs, revisions and audits.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from agents.domain.config import error_path
from agents.domain.exceptions import InvalidInput

MAX_DEPTH = 64
MAX_SAFE_INTEGER = 2**53 - 1
_UNUSABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedJSON(ValueError):
    """Not JSON this service reads at all (a 400); the message says why."""


def unusable(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    found = _UNUSABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters"
    return "must not contain lone surrogates (invalid Unicode)"


def _constant(name: str) -> Any:
    raise MalformedJSON(f"{name} is not a number JSON allows")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJSON(f"{text} is too large to be a number")
    return value


def loads(raw: bytes | str) -> Any:
    """The JSON document in `raw`: MalformedJSON if it cannot be read, InvalidInput
    (with the path of each problem) if it holds a value that cannot be stored."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedJSON("The body is not UTF-8 text.") from None
    try:
        document = json.loads(raw, parse_constant=_constant, parse_float=_float)
    except MalformedJSON:
        raise
    except RecursionError:
        raise MalformedJSON(f"The JSON nests more than {MAX_DEPTH} levels.") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise MalformedJSON(f"invalid JSON: {exc.msg} ({where})") from None
    except ValueError as exc:  # an integer with more digits than Python reads
        raise MalformedJSON(f"invalid JSON: {exc}") from None
    return cleaned(document)


_LINE_BREAK = re.compile(r"\r\n?")


def unix_newlines(text: str) -> str:
    """`text` with every `\r\n` and lone `\r` as `\n`."""
    return _LINE_BREAK.sub("\n", text) if "\r" in text else text


def _newlines(value: Any) -> Any:
    if isinstance(value, str):
        return unix_newlines(value)
    if isinstance(value, dict):
        return {unix_newlines(key): _newlines(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_newlines(item) for item in value]
    return value


def cleaned(document: Any) -> Any:
    """`document` checked (see `check`), with `\n` line endings in every string."""
    return _newlines(check(document))


def check(document: Any) -> Any:
    """`document` unchanged, or InvalidInput listing every value that cannot be stored."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise MalformedJSON(f"The JSON nests more than {MAX_DEPTH} levels.")
        if isinstance(value, str):
            if reason := unusable(value):
                problems.append({"path": error_path(path), "message": reason})
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_SAFE_INTEGER:
                problems.append(
                    {"path": error_path(path), "message": "must be between -2^53 and 2^53"}
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append({"path": error_path(path), "message": "must be a finite number"})
        elif isinstance(value, dict):
            for key, item in value.items():
                if reason := unusable(str(key)):
                    problems.append({"path": error_path([*path, "(key)"]), "message": reason})
                    continue
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, i]) for i, item in enumerate(value))
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p["path"]))
    return document


def _whole(value: Any) -> Any:
    """`2.0` read as `2`: JSON has one kind of number, and JSON Schema's integers
    include the ones written with a fraction of zero (what some clients send)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


# An integer of a request body: `2` or `2.0` (never `true` or `"2"`).
WholeInt = Annotated[int, BeforeValidator(_whole)]


def whole_int(**constraints: Any) -> Any:
    """WholeInt with bounds (`ge=`, `le=`) that the JSON Schema states also where the
    field is optional (bounds given after the validator would not show there)."""
    return Annotated[int, Field(**constraints), BeforeValidator(_whole)]
