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


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("vapi_assistant.json", "vapi"),
        ("retell_agent_export.json", "retell"),
        ("elevenlabs_agent_config.json", "elevenlabs"),
    ],
)
def test_any_value_of_the_wrong_kind_is_refused_by_path_never_a_crash(name, source):
    """Every value of each sample file replaced, one at a time, by every other kind of
    JSON value: the file is read, or refused with a ValueError (a ShapeError names the
    path); no other exception."""
    import copy

    sample = json.loads((PEERS / name).read_text())
    tried, unnamed = 0, []
    for path in _paths(sample):
        if not path:
            continue
        for other in ([], {}, 1, "x", None, True, [1], {"a": 1}, 1.5):
            data = copy.deepcopy(sample)
            target = data
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = other
            tried += 1
            try:
                peers.read(source, data)
            except peers.ShapeError as exc:
                unnamed.extend([] if exc.path else [(path, other)])
            except ValueError:
                pass
    assert tried > 500
    assert unnamed == []


def test_a_vapi_end_call_tool_keeps_its_own_name():
    """The assistant's prompt says "trigger `end_call_tool`": the tool keeps that name."""
    assistant = {
        "model": {
            "messages": [{"role": "system", "content": "When done, trigger end_call_tool."}],
            "tools": [
                {
                    "type": "endCall",
                    "function": {"name": "end_call_tool", "description": "Hang up politely."},
                },
                {"type": "endCall"},
            ],
        }
    }
    tools = peers.read("vapi", assistant).config["tools"]
    assert [(t["name"], t["type"], t["description"]) for t in tools] == [
        ("end_call_tool", "end_call", "Hang up politely."),
        ("end_call", "end_call", "End the call."),
    ]
