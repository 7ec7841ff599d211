"""The judge dialog: text in, the service's arguments out; problems by field."""

from __future__ import annotations

import re
from typing import Any

from agents.domain.checks import CHECK_TYPES
from agents.domain.exceptions import InvalidInput

FIELDS = ("name", "kind", "check_type", "check_value", "rubric", "sample_percent")
PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
# The service's paths -> the dialog's fields.
PATHS = {
    "check.value": "check_value",
    "check.type": "check_type",
    "check": "kind",
    "sample_rate": "sample_percent",
}
CHECK_CHOICES = list(CHECK_TYPES.items())


def initial_values(judge=None) -> dict[str, str]:
    if judge is None:
        return {
            "name": "",
            "kind": "check",
            "check_type": "contains",
            "check_value": "",
            "rubric": "",
            "sample_percent": "100",
        }
    check = judge.eval_check or {}
    value = check.get("value")
    return {
        "name": judge.name,
        "kind": judge.kind,
        "check_type": check.get("type", "contains"),
        "check_value": ""
        if value is None
        else f"{value:g}"
        if isinstance(value, float | int)
        else value,
        "rubric": judge.rubric,
        "sample_percent": f"{judge.sample_rate * 100:g}",
    }


def values_from_post(post) -> dict[str, str]:
    return {name: post.get(name, "").strip() for name in FIELDS}


def arguments(values: dict[str, str]) -> dict[str, Any]:
    """create_judge's / update_judge's keyword arguments."""
    if not PERCENT.fullmatch(values["sample_percent"]) or float(values["sample_percent"]) > 100:
        raise InvalidInput([{"path": "sample_percent", "message": "a share from 0 to 100 %"}])
    rate = round(float(values["sample_percent"]) / 100, 4)
    if values["kind"] == "rubric":
        return {
            "name": values["name"],
            "check": None,
            "rubric": values["rubric"],
            "sample_rate": rate,
        }
    kind, raw = values["check_type"], values["check_value"]
    value: Any = raw
    if kind == "latency_ms":
        try:
            value = float(raw)
        except ValueError:
            raise InvalidInput(
                [{"path": "check_value", "message": "milliseconds, such as 1500"}]
            ) from None
    elif kind == "output_schema":
        value = None
    return {
        "name": values["name"],
        "check": {"type": kind, "value": value},
        "rubric": "",
        "sample_rate": rate,
    }


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    return {PATHS.get(path, path): message for path, message in errors.items()}
