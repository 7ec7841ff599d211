"""Sticky A/B assignment and channel routing rules (no database)."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.domain.routing import assign, parse_routing, target_label, versions_named

KEYS = [f"+1555{i:07d}" for i in range(100_000)]


def shares(variants, channel="ch_aaaaaaaaaa"):
    counts = [0] * len(variants)
    for key in KEYS:
        counts[assign(channel, key, variants)] += 1
    return [100 * c / len(KEYS) for c in counts]


@pytest.mark.parametrize(
    "weights", [[50, 50], [80, 20], [90, 10], [34, 33, 33], [70, 20, 10], [1, 99]]
)
def test_each_arm_gets_its_weight_within_one_point(weights):
    variants = [{"target": {"version": i + 1}, "weight": w} for i, w in enumerate(weights)]
    for got, want in zip(shares(variants), weights, strict=True):
        assert abs(got - want) <= 1, (got, want)


def test_the_same_key_always_gets_the_same_variant():
    variants = [{"target": "released", "weight": 50}, {"target": "draft", "weight": 50}]
    first = [assign("ch_aaaaaaaaaa", key, variants) for key in KEYS[:2000]]
    again = [assign("ch_aaaaaaaaaa", key, variants) for key in KEYS[:2000]]
    assert first == again
    other = [assign("ch_bbbbbbbbbb", key, variants) for key in KEYS[:2000]]
    assert first != other  # channels split independently


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([50, 50], [60, 40]),
        ([20, 30, 50], [20, 50, 30]),
        ([20, 30, 50], [10, 40, 50]),
        ([10, 10, 80], [40, 10, 50]),
    ],
)
def test_raising_an_arms_weight_never_moves_a_key_out_of_it(before, after):
    targets = [{"version": i + 1} for i in range(len(before))]
    old = [{"target": t, "weight": w} for t, w in zip(targets, before, strict=True)]
    new = [{"target": t, "weight": w} for t, w in zip(targets, after, strict=True)]
    raised = {i for i, (b, a) in enumerate(zip(before, after, strict=True)) if a > b}
    for key in KEYS[:30_000]:
        was = assign("ch_aaaaaaaaaa", key, old)
        if was in raised:
            assert assign("ch_aaaaaaaaaa", key, new) == was


def test_without_a_key_assignment_is_random():
    variants = [{"target": "released", "weight": 50}, {"target": "draft", "weight": 50}]
    picks = {assign("ch_aaaaaaaaaa", None, variants) for _ in range(200)}
    assert picks == {0, 1}


def test_routing_is_validated_with_paths():
    assert parse_routing({"target": {"version": 3}}) == {"target": {"version": 3}, "variants": None}
    with pytest.raises(InvalidInput) as info:
        parse_routing(
            {"variants": [{"target": "released", "weight": 60}, {"target": "draft", "weight": 30}]}
        )
    assert info.value.errors[0]["path"] == "variants"
    assert "sum to 100" in info.value.errors[0]["message"]
    with pytest.raises(InvalidInput) as info:
        parse_routing({"target": "latest"})
    assert info.value.errors[0]["path"].startswith("target")
    with pytest.raises(InvalidInput):
        parse_routing(
            {"variants": [{"target": "draft", "weight": 50}, {"target": "draft", "weight": 50}]}
        )
    with pytest.raises(InvalidInput):
        parse_routing({"variants": [{"target": "draft", "weight": 100}]})


def test_labels_and_pinned_versions():
    routing = parse_routing(
        {
            "target": "released",
            "variants": [
                {"target": {"version": 2}, "weight": 20},
                {"target": "released", "weight": 80},
            ],
        }
    )
    assert versions_named(routing) == {2}
    assert target_label({"version": 2}) == "v2"
    assert target_label("draft") == "draft"
