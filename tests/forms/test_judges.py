"""The judge dialog's fields to the service's arguments."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.forms import judges


def test_a_check_a_rubric_and_the_sample_in_percent():
    values = judges.values_from_post(
        {
            "name": "fast",
            "kind": "check",
            "check_type": "latency_ms",
            "check_value": "1500",
            "sample_percent": "25",
        }
    )
    assert judges.arguments(values) == {
        "name": "fast",
        "check": {"type": "latency_ms", "value": 1500.0},
        "rubric": "",
        "sample_rate": 0.25,
    }
    rubric = judges.values_from_post(
        {"name": "warm", "kind": "rubric", "rubric": "Warm?", "sample_percent": "100"}
    )
    assert judges.arguments(rubric)["check"] is None
    with pytest.raises(InvalidInput):
        judges.arguments({**values, "sample_percent": "lots"})
    assert judges.field_errors({"check.value": "bad", "name": "taken"}) == {
        "check_value": "bad",
        "name": "taken",
    }
