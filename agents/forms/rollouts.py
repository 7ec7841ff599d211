"""The start-rollout form: candidate, steps, minimums and the guard, as typed.

The defaults are the API's and the service's (`domain/stats.py`: 5, 25, 50, 100;
200 conversations and 30 minutes per step; completion rate may drop 5 points).
Parsing only turns text into values; the service judges them and names the field
of each problem.
"""

from __future__ import annotations

import re
from typing import Any

from agents.domain import stats
from agents.domain.exceptions import InvalidInput
from agents.domain.quality import SCORE_NAME
from agents.domain.stats import METRICS

DEFAULTS = {
    "candidate": "",
    "steps": ", ".join(str(step) for step in stats.DEFAULT_STEPS),
    "min_conversations": str(stats.DEFAULT_MIN_CONVERSATIONS),
    "min_minutes": str(stats.DEFAULT_MIN_MINUTES),
    "metric": stats.DEFAULT_METRIC,
    "max_drop": f"{stats.DEFAULT_MAX_DROP * 100:g}",  # in points
    # More guards, each left empty for none (API.md, "Quality signals").
    "latency_increase": "",  # ms over the baseline's geometric mean
    "satisfaction_drop": "",  # points of the 1 to 5 rating
    "cost_increase": "",  # USD per conversation
    "score_name": "",
    "score_drop": "",  # 0 to 1
}
# The extra guards: form field -> (metric, key, what the field reads).
EXTRA_GUARDS = {
    "latency_increase": ("latency_ms", "max_increase", "milliseconds, such as 200"),
    "satisfaction_drop": ("satisfaction", "max_drop", "a rating drop, such as 0.3"),
    "cost_increase": ("cost", "max_increase", "dollars, such as 0.01"),
}
NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
METRIC_CHOICES = [(m, m.replace("_", " ").capitalize()) for m in METRICS]
WHOLE = re.compile(r"[0-9]{1,9}")
POINTS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")


def form_values(post) -> dict[str, str]:
    return {name: post.get(name, default).strip() for name, default in DEFAULTS.items()}


def start_arguments(values: dict[str, str]) -> dict[str, Any]:
    """start_rollout's keyword arguments but the channel and candidate; every problem at
    once, keyed as the service keys them (`steps`, `guard.max_drop`, …)."""
    problems = []
    parts = [part.strip() for part in values["steps"].replace(",", " ").split()]
    if not parts or not all(WHOLE.fullmatch(part) for part in parts):
        problems.append({"path": "steps", "message": "whole percentages such as 5, 25, 50, 100"})
    for name in ("min_conversations", "min_minutes"):
        if not WHOLE.fullmatch(values[name]):
            problems.append({"path": name, "message": "a whole number"})
    if not POINTS.fullmatch(values["max_drop"]) or float(values["max_drop"]) > 100:
        problems.append(
            {"path": "guard.max_drop", "message": "percentage points from 0 to 100, such as 5"}
        )
    guards = _extra_guards(values, problems)
    if problems:
        raise InvalidInput(problems)
    first = {"metric": values["metric"], "max_drop": round(float(values["max_drop"]) / 100, 4)}
    return {
        "steps": [int(part) for part in parts],
        "min_conversations": int(values["min_conversations"]),
        "min_minutes": int(values["min_minutes"]),
        "guards": [first, *guards],
    }


def _extra_guards(values: dict[str, str], problems: list) -> list[dict]:
    guards = []
    for field, (metric, key, reads) in EXTRA_GUARDS.items():
        if not values[field]:
            continue
        if not NUMBER.fullmatch(values[field]):
            problems.append({"path": field, "message": reads})
            continue
        guards.append({"metric": metric, key: float(values[field])})
    name, drop = values["score_name"], values["score_drop"]
    if name or drop:
        if not SCORE_NAME.fullmatch(name):
            problems.append({"path": "score_name", "message": "a score's name: a-z, 0-9 and _"})
        if not NUMBER.fullmatch(drop) or float(drop) > 1:
            problems.append({"path": "score_drop", "message": "from 0 to 1, such as 0.1"})
        else:
            guards.append({"metric": f"score:{name}", "max_drop": float(drop)})
    return guards
