"""User-written patterns run in linear time (RE2): no check can hold a worker."""

import json
import threading

import pytest

from agents.domain import checks, patterns
from agents.domain.exceptions import InvalidInput

EVIL = "(a+)+$"
HOSTILE = "a" * 50_000 + "!"  # Python's re would backtrack for longer than the universe


class Reply:
    latency_ms = 10.0

    def __init__(self, text):
        self.text = text


def _finishes(work, seconds=10):
    """Run `work` in a thread; a backtracking engine would never return."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert "value" in result, "still matching: the pattern engine backtracks"
    return result["value"]


def test_a_catastrophic_regex_check_finishes():
    [result] = _finishes(
        lambda: checks.evaluate([{"type": "regex", "value": EVIL}], Reply(HOSTILE), {})
    )
    assert not result.passed
    assert result.message == f"does not match /{EVIL}/"


def test_catastrophic_patterns_in_an_output_schema_finish():
    schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": EVIL}},
        "patternProperties": {EVIL: {"type": "string"}},
        "additionalProperties": False,
    }
    reply = json.dumps({"code": HOSTILE, HOSTILE: "x"})
    [result] = _finishes(
        lambda: checks.evaluate(
            [{"type": "output_schema", "value": None}], Reply(reply), {"output_schema": schema}
        )
    )
    assert not result.passed
    assert "does not match" in result.message


def test_schema_patterns_still_validate():
    schema = {
        "type": "object",
        "patternProperties": {"^x-": {"type": "integer"}},
        "additionalProperties": False,
        "properties": {"id": {"type": "string", "pattern": "^[0-9]{3}$"}},
    }
    validator = patterns.SchemaValidator(schema)
    assert validator.is_valid({"id": "123", "x-count": 2})
    assert not validator.is_valid({"id": "12a"})
    assert not validator.is_valid({"x-count": "two"})
    assert not validator.is_valid({"other": 1})


def test_backtracking_only_constructs_are_refused_with_the_reason():
    with pytest.raises(InvalidInput) as caught:
        checks.clean_case(
            {
                "name": "lookahead",
                "messages": [{"role": "user", "content": "hi"}],
                "checks": [{"type": "regex", "value": "(?=a)b"}],
            }
        )
    [problem] = caught.value.errors
    assert problem["path"] == "checks[0].value"
    assert "no backreferences or lookaround" in problem["message"]


def test_a_stored_pattern_re2_refuses_fails_the_check_with_the_reason():
    [result] = checks.evaluate([{"type": "regex", "value": r"(a)\1"}], Reply("aa"), {})
    assert not result.passed
    assert "cannot be used" in result.message


def test_a_schema_that_needs_backtracking_is_reported_not_run():
    schema = {"patternProperties": {EVIL: {}}, "unevaluatedProperties": False}
    [result] = checks.evaluate(
        [{"type": "output_schema", "value": None}], Reply("{}"), {"output_schema": schema}
    )
    assert not result.passed
    assert "unevaluatedProperties" in result.message
