"""Eval cases and checks: what a case is, and whether a reply passes it. Pure logic.

A case is a list of input messages (the last one from the user) and a list of
checks on the model's reply to it:

- `contains` / `not_contains`: a phrase, compared case-insensitively;
- `regex`: a Python regular expression searched in the reply;
- `output_schema`: the reply is JSON valid against the configuration's
  `output_schema` (the version under test decides what "valid" means);
- `latency_ms`: the reply came within this many milliseconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, get_args

from agents.domain import patterns
from agents.domain.exceptions import InvalidInput
from agents.domain.text import clean_text

# The grammar of a case, shared with the API's schemas (which only shape it;
# `clean_case` below is the one validation).
Role = Literal["user", "assistant"]
MAX_LATENCY_MS = 3_600_000
CheckType = Literal["contains", "not_contains", "regex", "output_schema", "latency_ms"]
CHECK_TYPES: dict[CheckType, str] = {
    "contains": "Reply contains",
    "not_contains": "Reply does not contain",
    "regex": "Reply matches",
    "output_schema": "Reply is valid against output_schema",
    "latency_ms": "Reply within (ms)",
}
MAX_MESSAGES = 50
MAX_CHECKS = 50
MAX_TEXT = 20_000
MAX_PATTERN = 500


def _text(value: Any, path: str, problems: list[dict[str, str]], *, limit: int) -> str:
    if not isinstance(value, str):
        problems.append({"path": path, "message": "must be a string"})
        return ""
    try:
        return clean_text(value, path=path, required=True, max_length=limit)
    except InvalidInput as exc:
        problems.extend(exc.errors)
        return value.strip()


def _entries(
    value: Any, field: str, keys: tuple[str, str], problems: list[dict[str, str]], *, most: int
) -> list[tuple[str, dict[str, Any]]]:
    """A list field's entries that are objects with at most `keys`, each with its path;
    what is not a list, too long, or not such an object is a problem."""
    if not isinstance(value, list) or (field == "messages" and not value):
        empty = "a non-empty " if field == "messages" else "a "
        problems.append({"path": field, "message": f"must be {empty}list of {field}"})
        return []
    if len(value) > most:
        problems.append({"path": field, "message": f"at most {most} {field}"})
        return []
    entries = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) - set(keys):
            problems.append({"path": f"{field}[{i}]", "message": f"must be {{{', '.join(keys)}}}"})
        else:
            entries.append((f"{field}[{i}]", entry))
    return entries


def clean_messages(value: Any, problems: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    entries = _entries(value, "messages", ("role", "content"), problems, most=MAX_MESSAGES)
    for path, message in entries:
        role = message.get("role", "user")
        if role not in get_args(Role):
            problems.append({"path": f"{path}.role", "message": "must be user or assistant"})
        content = _text(message.get("content"), f"{path}.content", problems, limit=MAX_TEXT)
        cleaned.append({"role": role, "content": content})
    if cleaned and cleaned[-1]["role"] != "user":
        problems.append({"path": "messages", "message": "the last message must be the user's"})
    return cleaned


def clean_checks(value: Any, problems: list[dict[str, str]]) -> list[dict[str, Any]]:
    cleaned = []
    for path, check in _entries(value, "checks", ("type", "value"), problems, most=MAX_CHECKS):
        kind = check.get("type")
        if kind not in CHECK_TYPES:
            problems.append(
                {"path": f"{path}.type", "message": f"must be one of {', '.join(CHECK_TYPES)}"}
            )
            continue
        raw = check.get("value")
        if kind in ("contains", "not_contains"):
            value_out: Any = _text(raw, f"{path}.value", problems, limit=MAX_TEXT)
        elif kind == "regex":
            value_out = _text(raw, f"{path}.value", problems, limit=MAX_PATTERN)
            try:
                patterns.compile_pattern(value_out)
            except patterns.PatternError as exc:
                problems.append({"path": f"{path}.value", "message": f"not a valid regex: {exc}"})
        elif kind == "latency_ms":
            valid = (
                isinstance(raw, int | float)
                and not isinstance(raw, bool)
                and math.isfinite(raw)
                and 0 < raw <= MAX_LATENCY_MS
            )
            if not valid:
                problems.append(
                    {
                        "path": f"{path}.value",
                        "message": "must be a number of ms above 0, at most 1 hour",
                    }
                )
            value_out = raw
        else:  # output_schema: the version's own schema decides; no value
            if raw not in (None, True):
                problems.append({"path": f"{path}.value", "message": "takes no value"})
            value_out = None
        cleaned.append({"type": kind, "value": value_out})
    return cleaned


def clean_case(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a case's name, messages and checks together; InvalidInput lists every problem."""
    problems: list[dict[str, str]] = []
    name = _text(data.get("name"), "name", problems, limit=200)
    messages = clean_messages(data.get("messages"), problems)
    checks = clean_checks(data.get("checks", []), problems)
    if problems:
        raise InvalidInput(problems)
    return {"name": name, "messages": messages, "checks": checks}


class Reply(Protocol):
    """What the checks look at: a provider's completion, or anything shaped like one."""

    text: str
    latency_ms: float


@dataclass(frozen=True)
class CheckResult:
    type: str
    value: Any
    passed: bool
    message: str


def _output_schema_check(reply: str, config: dict[str, Any]) -> tuple[bool, str]:
    output_schema = config.get("output_schema")
    if not output_schema:
        return False, "this configuration has no output_schema"
    try:
        document = json.loads(reply)
    except ValueError:
        return False, "the reply is not JSON"
    if reason := patterns.unsafe_schema(output_schema):
        return False, f"output_schema cannot be checked safely: {reason}"
    errors = sorted(patterns.SchemaValidator(output_schema).iter_errors(document), key=str)
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        return False, f"{where}: {first.message}"
    return True, "valid against output_schema"


def evaluate(
    checks: list[dict[str, Any]], completion: Reply, config: dict[str, Any]
) -> list[CheckResult]:
    """Each check against the reply. A case passes when every check does."""
    results = []
    reply = completion.text
    for check in checks:
        kind, value = check["type"], check["value"]
        if kind == "contains":
            passed = value.casefold() in reply.casefold()
            message = f"contains “{value}”" if passed else f"missing “{value}”"
        elif kind == "not_contains":
            passed = value.casefold() not in reply.casefold()
            message = f"does not contain “{value}”" if passed else f"contains “{value}”"
        elif kind == "regex":
            try:
                passed = patterns.search(value, reply)
                message = f"matches /{value}/" if passed else f"does not match /{value}/"
            except patterns.PatternError as exc:  # written before patterns were RE2
                passed, message = False, f"/{value}/ cannot be used: {exc}"
        elif kind == "output_schema":
            passed, message = _output_schema_check(reply, config)
        else:
            passed = completion.latency_ms <= value
            message = f"{completion.latency_ms:.0f} ms (limit {value:g} ms)"
        results.append(CheckResult(type=kind, value=value, passed=passed, message=message))
    return results


def as_dicts(results: list[CheckResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def describe_check(check: dict[str, Any]) -> str:
    if check["type"] == "output_schema":
        return CHECK_TYPES["output_schema"]
    if check["type"] == "regex":
        return f"{CHECK_TYPES['regex']} /{check['value']}/"
    if check["type"] == "latency_ms":
        return f"Reply within {check['value']:g} ms"
    return f"{CHECK_TYPES[check['type']]} “{check['value']}”"
