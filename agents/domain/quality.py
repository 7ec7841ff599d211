"""What a runtime reports about how a conversation went (API.md, "Quality signals"):
the rules its input follows, checked once for the API, the console and the services."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MAX_TURNS = 500
MAX_TURN_CHARS = 20_000
MAX_SCORES = 50
SCORE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ROLES = ("user", "assistant")


@dataclass(frozen=True)
class Signals:
    """The checked signals of one conversation's end (None: not reported)."""

    latency_ms: float | None = None
    satisfaction: int | None = None
    cost: float | None = None
    scores: dict[str, float] | None = None
    turns: tuple[dict[str, Any], ...] = ()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_signals(
    *,
    latency_ms: Any = None,
    satisfaction: Any = None,
    cost: Any = None,
    scores: Any = None,
    turns: Any = None,
) -> tuple[Signals, list[dict[str, str]]]:
    """The signals as stored, and every problem by path (nothing is stored unless
    there are none)."""
    problems: list[dict[str, str]] = []
    if latency_ms is not None and not (_number(latency_ms) and latency_ms >= 0):
        problems.append({"path": "latency_ms", "message": "a number of milliseconds, at least 0"})
    if satisfaction is not None and not (type(satisfaction) is int and 1 <= satisfaction <= 5):
        problems.append({"path": "satisfaction", "message": "a whole number from 1 to 5"})
    if cost is not None and not (_number(cost) and cost >= 0):
        problems.append({"path": "cost", "message": "an amount in USD, at least 0"})
    checked_scores = _check_scores(scores, problems)
    checked_turns = _check_turns(turns, problems)
    signals = Signals(
        latency_ms=None if latency_ms is None else float(latency_ms),
        satisfaction=satisfaction,
        cost=None if cost is None else float(cost),
        scores=checked_scores,
        turns=checked_turns,
    )
    return signals, problems


def _check_scores(scores: Any, problems: list) -> dict[str, float] | None:
    if scores is None:
        return None
    if not isinstance(scores, dict):
        problems.append({"path": "scores", "message": "an object of name: score from 0 to 1"})
        return None
    if len(scores) > MAX_SCORES:
        problems.append({"path": "scores", "message": f"at most {MAX_SCORES} scores"})
    checked = {}
    for name, value in scores.items():
        if not isinstance(name, str) or not SCORE_NAME.match(name):
            problems.append(
                {"path": f"scores.{name}", "message": "a name of a-z, 0-9 and _ (40 at most)"}
            )
        elif not (_number(value) and 0 <= value <= 1):
            problems.append({"path": f"scores.{name}", "message": "a score from 0 to 1"})
        else:
            checked[name] = float(value)
    return checked


def _check_turns(turns: Any, problems: list) -> tuple[dict[str, Any], ...]:
    if turns is None:
        return ()
    if not isinstance(turns, list):
        problems.append({"path": "turns", "message": "a list of {role, content, latency_ms?}"})
        return ()
    if len(turns) > MAX_TURNS:
        problems.append({"path": "turns", "message": f"at most {MAX_TURNS} turns"})
        return ()
    checked = []
    for i, turn in enumerate(turns):
        path = f"turns.{i}"
        if not isinstance(turn, dict):
            problems.append({"path": path, "message": "an object {role, content, latency_ms?}"})
            continue
        unknown = set(turn) - {"role", "content", "latency_ms"}
        if unknown:
            problems.append({"path": f"{path}.{sorted(unknown)[0]}", "message": "unknown field"})
        role, content, latency = turn.get("role"), turn.get("content"), turn.get("latency_ms")
        if role not in ROLES:
            problems.append({"path": f"{path}.role", "message": "user or assistant"})
        if not isinstance(content, str) or len(content) > MAX_TURN_CHARS:
            problems.append(
                {"path": f"{path}.content", "message": f"text of {MAX_TURN_CHARS:,} at most"}
            )
        elif "\x00" in content:
            problems.append({"path": f"{path}.content", "message": "must not contain NUL"})
        if latency is not None and not (_number(latency) and latency >= 0):
            problems.append({"path": f"{path}.latency_ms", "message": "at least 0"})
        checked.append(
            {
                "role": role,
                "content": content,
                "latency_ms": None if latency is None else float(latency),
            }
        )
    return tuple(checked)
