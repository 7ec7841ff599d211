"""The eval case form: messages one per line, checks as form fields."""

from __future__ import annotations

from typing import Any

from agents.domain.exceptions import InvalidInput

FIELDS = ("name", "messages", "contains", "not_contains", "regex", "latency_ms")


def messages_from_text(text: str) -> list[dict[str, str]]:
    """One message per line; a line starting with `assistant:` is an earlier reply."""
    messages = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        role, _, rest = line.partition(":")
        if role.strip().lower() in ("assistant", "user") and rest.strip():
            messages.append({"role": role.strip().lower(), "content": rest.strip()})
        else:
            messages.append({"role": "user", "content": line})
    return messages


def messages_to_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(
        m["content"] if m["role"] == "user" else f"assistant: {m['content']}" for m in messages
    )


def checks_from_form(fields: dict[str, str]) -> list[dict[str, Any]]:
    """The case form's fields (phrases one per line, a checkbox, a number) as checks."""
    checks: list[dict[str, Any]] = []
    for kind in ("contains", "not_contains", "regex"):
        for line in fields.get(kind, "").splitlines():
            if line.strip():
                checks.append({"type": kind, "value": line.strip()})
    if fields.get("output_schema"):
        checks.append({"type": "output_schema", "value": None})
    if (latency := fields.get("latency_ms", "").strip()) != "":
        try:
            number: Any = float(latency)
        except ValueError:
            number = latency  # reported by clean_checks as not a number
        checks.append({"type": "latency_ms", "value": number})
    return checks


def checks_to_form(checks: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {"contains": [], "not_contains": [], "regex": []}
    form: dict[str, Any] = {"output_schema": False, "latency_ms": ""}
    for check in checks:
        if check["type"] in fields:
            fields[check["type"]].append(check["value"])
        elif check["type"] == "output_schema":
            form["output_schema"] = True
        else:
            form["latency_ms"] = f"{check['value']:g}"
    return {**{k: "\n".join(v) for k, v in fields.items()}, **form}


def values_from_post(post) -> dict[str, Any]:
    """The form as typed."""
    values: dict[str, Any] = {k: post.get(k, "") for k in FIELDS}
    values["output_schema"] = post.get("output_schema") == "on"
    return values


def initial_values(case) -> dict[str, Any]:
    """A stored case (or None for a new one) as the form shows it."""
    if case is None:
        return {"name": "", "messages": "", **checks_to_form([])}
    return {
        "name": case.name,
        "messages": messages_to_text(case.messages),
        **checks_to_form(case.checks),
    }


def errors_by_field(exc: InvalidInput, checks: list[dict[str, Any]]) -> dict[str, str]:
    """Problems keyed by the form field they belong to (a check's path names its type)."""
    found: dict[str, str] = {}
    for problem in exc.errors:
        path = problem["path"]
        field = path.split("[")[0].split(".")[0]
        if field == "checks" and "[" in path:
            index = int(path.split("[")[1].split("]")[0])
            field = checks[index]["type"] if index < len(checks) else "checks"
        found.setdefault(field, problem["message"])
    return found
