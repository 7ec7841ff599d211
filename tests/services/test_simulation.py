"""Simulated callers on a channel: each arm completes at its rate, the rollout sees them."""

import random

import pytest

from agents.services import channels, releases, simulation

pytestmark = pytest.mark.django_db


def test_callers_are_served_and_tallied_per_arm(agent, make_version, user):
    v1, _ = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    line = channels.create_channel(
        user=user,
        name="Main line",
        kind="phone",
        agent=agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )
    tally = simulation.simulate_traffic(
        channel=line,
        user=user,
        conversations=40,
        rates={"v2": 0.0},
        default_rate=1.0,
        rng=random.Random(7),
    )
    assert sum(total for total, _ in tally.served.values()) == 40
    assert tally.served["v2"][1] == 0  # none completed on v2
    assert tally.served["v1"][0] == tally.served["v1"][1] > 0  # all completed
