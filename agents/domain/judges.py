"""Judges of production conversations (pure): what a judge may be, which
conversations it samples, and how a transcript becomes a score from 0 to 1.

- A **check** judge applies one eval check (domain/checks: contains, not_contains,
  regex, output_schema, latency_ms) to the agent's side of the transcript: every
  assistant turn joined (the last one for output_schema), with the conversation's
  reported latency, or else its slowest turn. Passed scores 1, failed 0.
- A **rubric** judge asks the model provider to apply the rubric to the transcript
  and answer `{"score": 0..1, "reason": "..."}` (its output schema); anything else
  is a bad response, retried and then recorded.

Sampling is deterministic: a conversation is judged when the first 8 bytes of
sha256("<judge id>:<conversation id>") read as a fraction fall below the sample
rate, so every worker, and every retry, makes the same choice.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

from agents.domain import checks
from agents.domain.quality import SCORE_NAME

MAX_RUBRIC = 4000
SCORE_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string", "maxLength": 500},
    },
    "required": ["score"],
}


def clean_judge(
    *, name: Any, check: Any, rubric: Any, sample_rate: Any
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A judge's fields as stored, and every problem by path."""
    problems: list[dict[str, str]] = []
    if not isinstance(name, str) or not SCORE_NAME.match(name):
        problems.append({"path": "name", "message": "a score name: a-z, 0-9 and _, 40 at most"})
    if not (
        isinstance(sample_rate, int | float)
        and not isinstance(sample_rate, bool)
        and math.isfinite(sample_rate)
        and 0 <= sample_rate <= 1
    ):
        problems.append({"path": "sample_rate", "message": "a share from 0 to 1"})
    rubric = rubric.strip() if isinstance(rubric, str) else rubric
    cleaned_check = None
    if (check is None) == (not rubric):
        problems.append({"path": "check", "message": "give either a check or a rubric"})
    elif check is not None:
        check_problems: list[dict[str, str]] = []
        found = checks.clean_checks([check], check_problems)
        problems.extend(
            {**p, "path": p["path"].replace("checks[0]", "check", 1)} for p in check_problems
        )
        cleaned_check = found[0] if found and not check_problems else None
    elif not isinstance(rubric, str) or len(rubric) > MAX_RUBRIC or "\x00" in rubric:
        problems.append({"path": "rubric", "message": f"text of {MAX_RUBRIC:,} at most"})
    return {
        "name": name,
        "eval_check": cleaned_check,
        "rubric": rubric if check is None and isinstance(rubric, str) else "",
        "sample_rate": float(sample_rate) if not problems else sample_rate,
    }, problems


def sampled(judge_id: str, conversation_id: str, rate: float) -> bool:
    digest = hashlib.sha256(f"{judge_id}:{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@dataclass(frozen=True)
class Turn:
    role: str
    content: str
    latency_ms: float | None = None


@dataclass(frozen=True)
class Scored:
    score: float
    detail: str


@dataclass(frozen=True)
class _Reply:
    text: str
    latency_ms: float


def check_score(
    check: dict[str, Any], turns: list[Turn], latency_ms: float | None, config: dict[str, Any]
) -> Scored:
    replies = [t for t in turns if t.role == "assistant"]
    if check["type"] == "output_schema":
        text = replies[-1].content if replies else ""
    else:
        text = "\n".join(t.content for t in replies)
    if latency_ms is None:
        latency_ms = max((t.latency_ms for t in turns if t.latency_ms is not None), default=0.0)
    (result,) = checks.evaluate([check], _Reply(text, latency_ms), config)
    return Scored(1.0 if result.passed else 0.0, result.message)


def transcript(turns: list[Turn]) -> str:
    who = {"user": "Caller", "assistant": "Agent"}
    return "\n".join(f"{who.get(t.role, t.role)}: {t.content}" for t in turns)


def rubric_request(rubric: str, turns: list[Turn], llm: dict[str, Any]) -> tuple[dict, str]:
    """The configuration and the one message a rubric judge sends its provider."""
    system = (
        "You judge one conversation between a caller and an AI agent against a rubric. "
        'Answer only with JSON: {"score": a number from 0 (fails the rubric) to 1 '
        '(fully meets it), "reason": one sentence}.\n\nRubric:\n' + rubric
    )
    config = {"llm": llm, "prompt": {"system_prompt": system}, "output_schema": SCORE_SCHEMA}
    return config, transcript(turns)


class BadReply(ValueError):
    """The provider answered, but not with a score."""


def parse_rubric_reply(text: str) -> Scored:
    try:
        document = json.loads(text)
    except ValueError:
        raise BadReply(f"not JSON: {text[:80]!r}") from None
    score = document.get("score") if isinstance(document, dict) else None
    if (
        not isinstance(score, int | float)
        or isinstance(score, bool)
        or not math.isfinite(score)
        or not 0 <= score <= 1
    ):
        raise BadReply(f"no score from 0 to 1 in {text[:80]!r}")
    reason = document.get("reason")
    return Scored(float(score), reason[:500] if isinstance(reason, str) else "")
