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
from agents.domain.stats import METRICS

DEFAULTS = {
    "candidate": "",
    "steps": ", ".join(str(step) for step in stats.DEFAULT_STEPS),
    "min_conversations": str(stats.DEFAULT_MIN_CONVERSATIONS),
    "min_minutes": str(stats.DEFAULT_MIN_MINUTES),
    "metric": stats.DEFAULT_METRIC,
    "max_drop": f"{stats.DEFAULT_MAX_DROP * 100:g}",  # in points
}
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
    if problems:
        raise InvalidInput(problems)
    return {
        "steps": [int(part) for part in parts],
        "min_conversations": int(values["min_conversations"]),
        "min_minutes": int(values["min_minutes"]),
        "metric": values["metric"],
        "max_drop": round(float(values["max_drop"]) / 100, 4),
    }
