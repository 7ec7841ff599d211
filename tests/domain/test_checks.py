"""Eval cases and checks: every problem of a case at once, and each check's verdict."""

from dataclasses import dataclass

import pytest

from agents.domain import checks
from agents.domain.exceptions import InvalidInput


@dataclass
class Reply:
    text: str
    latency_ms: float = 120.0


def test_a_case_is_cleaned_and_every_problem_is_named_by_path():
    case = checks.clean_case(
        {
            "name": " Greets ",
            "messages": [{"role": "user", "content": "Hi"}],
            "checks": [{"type": "contains", "value": "hello"}, {"type": "output_schema"}],
        }
    )
    assert case["checks"] == [
        {"type": "contains", "value": "hello"},
        {"type": "output_schema", "value": None},
    ]
    with pytest.raises(InvalidInput) as refused:
        checks.clean_case(
            {
                "name": 3,
                "messages": [],
                "checks": [
                    {"type": "regex", "value": "("},
                    {"type": "latency_ms", "value": float("inf")},
                    {"type": "smells"},
                ],
            }
        )
    paths = [problem["path"] for problem in refused.value.errors]
    assert paths == ["name", "messages", "checks[0].value", "checks[1].value", "checks[2].type"]


def test_each_check_gives_its_verdict_and_says_why():
    found = checks.evaluate(
        [
            {"type": "contains", "value": "HELLO"},
            {"type": "not_contains", "value": "sorry"},
            {"type": "regex", "value": r"\d{2}:\d{2}"},
            {"type": "latency_ms", "value": 100},
        ],
        Reply("Hello! Your slot is 10:30.", latency_ms=150),
        config={},
    )
    assert [(r.type, r.passed) for r in found] == [
        ("contains", True),
        ("not_contains", True),
        ("regex", True),
        ("latency_ms", False),
    ]
    assert found[3].message == "150 ms (limit 100 ms)"
    assert checks.as_dicts(found)[0]["message"] == "contains “HELLO”"


def test_output_schema_is_judged_by_the_configuration_under_test():
    schema = {"type": "object", "required": ["slot"], "properties": {"slot": {"type": "string"}}}
    check = [{"type": "output_schema", "value": None}]
    assert checks.evaluate(check, Reply('{"slot": "10:30"}'), {"output_schema": schema})[0].passed
    assert not checks.evaluate(check, Reply('{"day": 3}'), {"output_schema": schema})[0].passed
    assert not checks.evaluate(check, Reply("not json"), {"output_schema": schema})[0].passed
    assert not checks.evaluate(check, Reply("{}"), {})[0].passed  # no schema to judge by


def test_checks_are_described_in_words():
    assert checks.describe_check({"type": "latency_ms", "value": 800}) == "Reply within 800 ms"
    assert checks.describe_check({"type": "regex", "value": "^Hi"}) == "Reply matches /^Hi/"
    assert checks.describe_check({"type": "contains", "value": "Hi"}) == "Reply contains “Hi”"
