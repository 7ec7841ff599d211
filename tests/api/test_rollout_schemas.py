"""The rollout body: defaults stated once (domain/stats.py), bounds on every setting."""

import pytest
from pydantic import ValidationError

from agents.api.rollout_schemas import GuardIO, RolloutIn
from agents.domain import stats


def test_the_defaults_are_the_domains():
    body = RolloutIn.model_validate({"candidate": {"version": 2}})
    assert body.steps == list(stats.DEFAULT_STEPS)
    assert body.min_conversations == stats.DEFAULT_MIN_CONVERSATIONS
    assert body.min_minutes == stats.DEFAULT_MIN_MINUTES
    assert (body.guard, body.guards) == (None, None)  # the one guard: GuardIO's defaults
    assert (GuardIO().metric, GuardIO().max_drop) == (
        stats.DEFAULT_METRIC,
        stats.DEFAULT_MAX_DROP,
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"steps": []},
        {"min_conversations": 0},
        {"min_minutes": -1},
        {"guard": {"max_drop": 2}},
        {"surprise": True},
    ],
)
def test_out_of_bounds_settings_are_refused(extra):
    with pytest.raises(ValidationError):
        RolloutIn.model_validate({"candidate": {"version": 2}, **extra})
