"""Bundles: YAML both ways, and every problem of a file to import found at once."""

import pytest

from agents.domain import bundles
from agents.domain.config import content_hash, default_config


def bundle(**overrides):
    config = default_config()
    return {
        "format": bundles.FORMAT,
        "agent": {"name": "Front desk", "description": ""},
        "versions": [{"number": 1, "config": config, "content_hash": content_hash(config)}],
        "draft": {"config": config},
        "labels": {"staging": 1},
        **overrides,
    }


def test_a_bundle_round_trips_through_yaml_with_unicode_and_key_order_kept():
    original = bundle(agent={"name": "Réception ☎", "description": "multi\nline"})
    text = bundles.to_yaml(original)
    assert "Réception ☎" in text
    assert text.index("format") < text.index("agent") < text.index("versions")
    assert bundles.from_yaml(text) == original


def test_yaml_aliases_and_broken_yaml_are_refused_with_where():
    with pytest.raises(ValueError, match="aliases"):
        bundles.from_yaml("a: &x [1]\nb: *x\n")
    with pytest.raises(ValueError, match="line"):
        bundles.from_yaml("a: [1,\n")


def test_a_valid_bundle_is_cleaned_without_problems():
    cleaned, problems = bundles.check_bundle(bundle())
    assert problems == []
    assert [v["number"] for v in cleaned["versions"]] == [1]
    assert cleaned["labels"] == {"staging": 1}


def test_every_problem_of_a_bundle_is_named_by_path():
    config = default_config()
    broken = bundle(
        format="other/9",
        agent={"name": " "},
        versions=[
            {"number": 2, "config": config, "content_hash": "sha256:edited"},
            {"number": 2, "config": {"llm": {"temperature": 9}}},
        ],
        labels={"staging": 7},
    )
    _, problems = bundles.check_bundle(broken)
    paths = [problem["path"] for problem in problems]
    assert paths[:4] == ["format", "agent.name", "versions[0].number", "versions[0].content_hash"]
    assert "versions[1].config.llm.temperature" in paths
    assert "labels.staging" in paths
    assert bundles.check_bundle([])[1] == [{"path": "", "message": "a bundle is an object"}]
