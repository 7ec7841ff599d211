"""The start-rollout form: text in, the service's arguments out, every problem at once."""

import pytest

from agents.domain import stats
from agents.domain.exceptions import InvalidInput
from agents.forms import rollouts


def test_an_empty_form_shows_the_defaults_the_service_uses():
    values = rollouts.form_values({})
    assert rollouts.start_arguments(values) == {
        "steps": list(stats.DEFAULT_STEPS),
        "min_conversations": stats.DEFAULT_MIN_CONVERSATIONS,
        "min_minutes": stats.DEFAULT_MIN_MINUTES,
        "guards": [{"metric": stats.DEFAULT_METRIC, "max_drop": stats.DEFAULT_MAX_DROP}],
    }


def test_typed_values_are_read_with_spaces_or_commas_and_points_as_a_fraction():
    values = rollouts.form_values(
        {"steps": " 10 50, 100 ", "min_conversations": "30", "min_minutes": "0", "max_drop": "2.5"}
    )
    found = rollouts.start_arguments(values)
    assert (found["steps"], found["min_conversations"], found["guards"][0]["max_drop"]) == (
        [10, 50, 100],
        30,
        0.025,
    )


def test_every_problem_is_keyed_as_the_service_keys_it():
    values = rollouts.form_values(
        {"steps": "ten", "min_conversations": "-1", "min_minutes": "1.5", "max_drop": "150"}
    )
    with pytest.raises(InvalidInput) as refused:
        rollouts.start_arguments(values)
    assert [p["path"] for p in refused.value.errors] == [
        "steps",
        "min_conversations",
        "min_minutes",
        "guard.max_drop",
    ]


def test_more_guards_are_read_from_their_fields():
    values = rollouts.form_values(
        {
            "latency_increase": "200",
            "cost_increase": "0.01",
            "score_name": "polite",
            "score_drop": "0.1",
        }
    )
    assert rollouts.start_arguments(values)["guards"][1:] == [
        {"metric": "latency_ms", "max_increase": 200.0},
        {"metric": "cost", "max_increase": 0.01},
        {"metric": "score:polite", "max_drop": 0.1},
    ]
    bad = rollouts.form_values(
        {"latency_increase": "fast", "score_name": "Polite!", "score_drop": "3"}
    )
    with pytest.raises(InvalidInput) as refused:
        rollouts.start_arguments(bad)
    assert [p["path"] for p in refused.value.errors] == [
        "latency_increase",
        "score_name",
        "score_drop",
    ]
