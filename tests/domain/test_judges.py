"""Judges (pure): their rules, deterministic sampling, and scoring a transcript."""

import pytest

from agents.domain import judges

TURNS = [
    judges.Turn("user", "Book me for Tuesday"),
    judges.Turn("assistant", "Certainly, please hold.", 420.0),
    judges.Turn("assistant", '{"booked": true}', 1900.0),
]


def test_a_judge_is_a_check_or_a_rubric():
    fields, problems = judges.clean_judge(
        name="polite", check={"type": "contains", "value": "please"}, rubric="", sample_rate=0.5
    )
    assert problems == []
    assert fields == {
        "name": "polite",
        "eval_check": {"type": "contains", "value": "please"},
        "rubric": "",
        "sample_rate": 0.5,
    }
    _, problems = judges.clean_judge(
        name="x", check={"type": "regex", "value": "("}, rubric="", sample_rate=1
    )
    assert [p["path"] for p in problems] == ["check.value"]
    _, problems = judges.clean_judge(name="x", check=None, rubric=" ", sample_rate=True)
    assert [p["path"] for p in problems] == ["sample_rate", "check"]


def test_sampling_is_steady_and_near_the_rate():
    picks = [judges.sampled("jd_a", f"cv_{i}", 0.3) for i in range(2000)]
    assert picks == [judges.sampled("jd_a", f"cv_{i}", 0.3) for i in range(2000)]
    assert 0.25 < sum(picks) / 2000 < 0.35
    assert not any(judges.sampled("jd_a", f"cv_{i}", 0) for i in range(100))
    assert all(judges.sampled("jd_a", f"cv_{i}", 1) for i in range(100))


def test_a_check_looks_at_the_agents_replies():
    contains = judges.check_score({"type": "contains", "value": "please"}, TURNS, None, {})
    assert (contains.score, contains.detail) == (1.0, "contains “please”")
    slow = judges.check_score({"type": "latency_ms", "value": 1000}, TURNS, None, {})
    assert slow.score == 0.0  # the slowest turn, 1900 ms
    reported = judges.check_score({"type": "latency_ms", "value": 1000}, TURNS, 600.0, {})
    assert reported.score == 1.0
    schema = {"output_schema": {"type": "object", "required": ["booked"]}}
    assert (
        judges.check_score({"type": "output_schema", "value": None}, TURNS, None, schema).score
        == 1.0
    )


def test_a_rubric_reply_must_carry_a_score():
    assert judges.parse_rubric_reply('{"score": 0.8, "reason": "warm"}') == judges.Scored(
        0.8, "warm"
    )
    for bad in ("great!", '{"score": 3}', '{"score": "high"}', "[0.5]"):
        with pytest.raises(judges.BadReply):
            judges.parse_rubric_reply(bad)
    config, text = judges.rubric_request("Warm?", TURNS, {"model": "m"})
    assert config["output_schema"] == judges.SCORE_SCHEMA
    assert text.splitlines()[0] == "Caller: Book me for Tuesday"
