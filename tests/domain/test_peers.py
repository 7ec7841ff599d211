"""Which platform wrote a file, from its shape alone."""

import json
from pathlib import Path

import pytest

from agents.domain import peers
from agents.domain.bundles import FORMAT

PEERS = Path(__file__).parent.parent / "fixtures" / "peers"


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("vapi_assistant.json", "vapi"),
        ("retell_agent_export.json", "retell"),
        ("elevenlabs_agent_config.json", "elevenlabs"),
    ],
)
def test_each_platforms_sample_file_is_detected(name, source):
    assert peers.detect(json.loads((PEERS / name).read_text())) == source


def test_this_consoles_files_are_detected():
    assert peers.detect({"format": FORMAT, "agent": {}, "versions": []}) == "console"
    assert peers.detect({"config": {"llm": {"temperature": 0.3}}}) == "console"


def test_a_shape_no_platform_writes_is_not_guessed():
    for data in ({}, {"name": "x"}, [], "text", {"model": {"model": "gpt-4.1"}}):
        assert peers.detect(data) is None
    assert peers.detect({"model": {"provider": "openai", "model": "gpt-4o"}}) == "vapi"
