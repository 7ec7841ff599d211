"""The eval case form: messages one per line, checks from their fields, and back."""

from agents.domain.exceptions import InvalidInput
from agents.forms import cases


def test_messages_are_one_per_line_with_earlier_replies_marked():
    typed = "Hi\nassistant: Hello, how can I help?\nBook me at 10"
    messages = cases.messages_from_text(typed)
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert cases.messages_to_text(messages) == typed


def test_checks_round_trip_through_the_form():
    checks = [
        {"type": "contains", "value": "booked"},
        {"type": "regex", "value": r"\d+"},
        {"type": "output_schema", "value": None},
        {"type": "latency_ms", "value": 800},
    ]
    form = cases.checks_to_form(checks)
    assert form["output_schema"] is True
    assert form["latency_ms"] == "800"
    fields = {**form, **{k: "\n".join(v) for k, v in form.items() if isinstance(v, list)}}
    fields["output_schema"] = "on"
    read_back = {c["type"]: c["value"] for c in cases.checks_from_form(fields)}
    assert read_back == {c["type"]: c["value"] for c in checks}  # 800 or 800.0 alike


def test_a_checks_problem_lands_on_the_field_of_its_type():
    checks = [{"type": "contains", "value": "a"}, {"type": "regex", "value": "("}]
    problem = InvalidInput([{"path": "checks[1].value", "message": "not a valid regex"}])
    assert cases.errors_by_field(problem, checks) == {"regex": "not a valid regex"}
