"""The channel form: typed targets and weights to the service's arguments, and the
service's problems placed beside the inputs they are about."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.forms import channels


def typed(**fields):
    return channels.form_values({"name": "Main line", "kind": "phone", **fields})


def test_a_split_is_read_from_its_filled_rows():
    values = typed(
        **{"variant-0-target": "v1", "variant-0-weight": "80"},
        **{"variant-2-target": "V2", "variant-2-weight": "20"},
    )
    found = channels.changes(values, agent=None)
    assert found["target"] == "released"
    assert found["variants"] == [
        {"target": {"version": 1}, "weight": 80},
        {"target": {"version": 2}, "weight": 20},
    ]


def test_a_single_target_is_a_version_a_label_or_a_word():
    assert channels.changes(typed(target="3"), agent=None)["target"] == {"version": 3}
    assert channels.changes(typed(target="staging"), agent=None)["target"] == {"label": "staging"}
    assert channels.changes(typed(target=""), agent=None)["target"] == "released"


def test_a_target_a_split_would_override_is_refused():
    values = typed(target="v2", **{"variant-0-target": "v1", "variant-0-weight": "100"})
    with pytest.raises(InvalidInput) as refused:
        channels.changes(values, agent=None)
    assert refused.value.errors[0]["path"] == "target"


def test_routing_problems_land_on_the_row_they_are_about():
    rows = [{"target": "v1"}, {"target": ""}, {"target": "v2"}]
    placed = channels.placed_errors(
        {"variants": "the weights add up to 90, not 100", "variants[1].target": "no v2"}, rows
    )
    assert placed == {"weights": "the weights add up to 90, not 100", "variant-2-target": "no v2"}
