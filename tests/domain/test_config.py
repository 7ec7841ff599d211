"""The configuration schema, canonical JSON, hashing and merge patch (no database)."""

import pytest

from agents.domain import config
from agents.domain.exceptions import ConfigInvalid


def problems(raw):
    with pytest.raises(ConfigInvalid) as info:
        config.normalize(raw)
    return {e["path"]: e["message"] for e in info.value.errors}


def test_an_empty_document_normalizes_to_every_section_with_defaults():
    document = config.normalize({})
    # prompt_links is left out while empty: documents from before it keep their hashes
    assert set(document) == set(config.SECTIONS) - {"prompt_links"}
    assert document["llm"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "temperature": 0.7,
        "max_tokens": 1024,
    }
    assert document["tools"] == []
    assert document["workflow"] is None
    assert document == config.default_config()


def test_every_design_section_is_declared():
    assert set(config.SECTIONS) == {
        "prompt",
        "llm",
        "voice",
        "conversation",
        "background_sound",
        "knowledge",
        "tools",
        "call_analysis",
        "workflow",
        "input_schema",
        "output_schema",
        "prompt_links",
    }


def test_an_out_of_range_temperature_is_reported_by_its_path():
    errors = problems({"llm": {"temperature": 2.5}})
    assert list(errors) == ["llm.temperature"]
    assert "less than or equal to 2" in errors["llm.temperature"]


def test_the_error_message_names_the_path():
    with pytest.raises(ConfigInvalid, match=r"llm\.max_tokens"):
        config.normalize({"llm": {"max_tokens": 0}})


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"llm": {"max_tokens": 32_001}}, "llm.max_tokens"),
        ({"llm": {"provider": "mistral"}}, "llm.provider"),
        ({"voice": {"language": "english please"}}, "voice.language"),
        ({"conversation": {"vad_sensitivity": 1.5}}, "conversation.vad_sensitivity"),
        ({"background_sound": {"preset": "jungle"}}, "background_sound.preset"),
        ({"background_sound": {"volume": -0.1}}, "background_sound.volume"),
        ({"knowledge": [{"knowledge_base_id": "kb1", "top_k": 0}]}, "knowledge[0].top_k"),
        ({"tools": [{"name": "9lives", "type": "end_call"}]}, "tools[0].name"),
        ({"tools": [{"name": "t", "type": "webhook", "url": "ftp://x"}]}, "tools[0].url"),
        ({"tools": [{"name": "t", "type": "webhook"}]}, "tools[0]"),
        ({"tools": [{"name": "t", "type": "end_call", "timeout_s": 0}]}, "tools[0].timeout_s"),
        ({"call_analysis": {"fields": [{"name": "x", "type": "enum"}]}}, "call_analysis.fields[0]"),
        ({"workflow": ["not", "an", "object"]}, "workflow"),
    ],
)
def test_values_outside_the_schema_are_rejected_with_their_path(raw, path):
    assert path in problems(raw)


def test_unknown_keys_are_rejected_at_any_depth():
    assert problems({"colour": "blue"}) == {"colour": "unknown key"}
    assert problems({"llm": {"temprature": 1}}) == {"llm.temprature": "unknown key"}
    assert "tools[0].secret" in problems(
        {"tools": [{"name": "a", "type": "end_call", "secret": "hunter2"}]}
    )


def test_tool_names_must_be_unique():
    errors = problems(
        {
            "tools": [
                {"name": "hang_up", "type": "end_call"},
                {"name": "hang_up", "type": "end_call"},
            ]
        }
    )
    assert errors == {"tools": "tool name 'hang_up' appears more than once"}


def test_knowledge_bases_and_analysis_fields_are_unique_too():
    assert "knowledge" in problems(
        {"knowledge": [{"knowledge_base_id": "kb"}, {"knowledge_base_id": "kb"}]}
    )
    assert "call_analysis.fields" in problems(
        {"call_analysis": {"fields": [{"name": "a"}, {"name": "a"}]}}
    )


@pytest.mark.parametrize("field", ["input_schema", "output_schema"])
def test_schema_fields_must_be_valid_json_schema(field):
    errors = problems({field: {"type": "banana"}})
    assert "is not a valid JSON Schema" in errors[field]
    assert config.normalize({field: {"type": "object", "required": ["a"]}})[field]["required"] == [
        "a"
    ]


def test_tool_parameters_must_be_valid_json_schema():
    errors = problems(
        {"tools": [{"name": "t", "type": "end_call", "parameters": {"properties": 3}}]}
    )
    assert "is not a valid JSON Schema" in errors["tools[0].parameters"]


def test_secrets_are_referenced_by_name_only():
    ok = config.normalize(
        {"tools": [{"name": "t", "url": "https://x.example/h", "secret_ref": "CRM_TOKEN"}]}
    )
    assert ok["tools"][0]["secret_ref"] == "CRM_TOKEN"
    assert "tools[0].secret_ref" in problems(
        {"tools": [{"name": "t", "url": "https://x.example/h", "secret_ref": "sk-live-123abc"}]}
    )


@pytest.mark.parametrize("text", ["bell\x07", "nul\x00", "esc\x1b[31m"])
def test_control_characters_are_rejected_in_text_and_json(text):
    assert "prompt.system_prompt" in problems({"prompt": {"system_prompt": text}})
    assert "workflow" in problems({"workflow": {"step": text}})


def test_newlines_and_tabs_are_text():
    document = config.normalize({"prompt": {"system_prompt": "line 1\n\tline 2\r\n"}})
    assert document["prompt"]["system_prompt"] == "line 1\n\tline 2\r\n"


def test_a_non_object_document_is_rejected():
    with pytest.raises(ConfigInvalid, match="must be a JSON object"):
        config.normalize(["prompt"])


def test_an_oversized_document_is_rejected():
    huge = "x" * 199_999
    tools = [{"name": f"t{i}", "type": "end_call", "description": "d" * 1_999} for i in range(100)]
    assert "" in problems(
        {"prompt": {"system_prompt": huge}, "tools": tools, "workflow": {"blob": "y" * 300_000}}
    )


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert config.canonical_json({"b": 1, "a": [1, {"d": "é", "c": None}]}) == (
        '{"a":[1,{"c":null,"d":"é"}],"b":1}'.encode()
    )


def test_the_content_hash_ignores_key_order_and_integer_vs_float_spelling():
    a = config.normalize({"llm": {"temperature": 1, "model": "m"}})
    b = config.normalize({"llm": {"model": "m", "temperature": 1.0}})
    assert config.content_hash(a) == config.content_hash(b)
    assert len(config.content_hash(a)) == 64
    assert config.content_hash(a) != config.content_hash(config.normalize({}))


def test_merge_patch_follows_rfc_7386():
    # The examples of RFC 7386, appendix A.
    cases = [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ]
    for target, patch, expected in cases:
        assert config.merge_patch(target, patch) == expected


def test_merge_patch_leaves_its_inputs_alone():
    target = {"llm": {"temperature": 0.1}}
    config.merge_patch(target, {"llm": {"temperature": 0.9}})
    assert target == {"llm": {"temperature": 0.1}}


def test_a_null_section_in_a_patch_resets_it_to_its_default():
    document = config.normalize({"llm": {"temperature": 1.5}})
    patched = config.normalize(config.merge_patch(document, {"llm": None}))
    assert patched["llm"] == config.default_config()["llm"]


def test_old_snapshots_are_upgraded_step_by_step(monkeypatch):
    """Each schema version has an upgrade function; they run in order."""
    calls = []

    def v1_to_v2(doc):
        calls.append(1)
        return {**doc, "llm": {**doc["llm"], "model": doc["llm"]["model"] + "-v2"}}

    def v2_to_v3(doc):
        calls.append(2)
        return doc

    monkeypatch.setattr(config, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(config, "UPGRADES", {1: v1_to_v2, 2: v2_to_v3})
    upgraded = config.upgrade(config.default_config(), 1)
    assert calls == [1, 2]
    assert upgraded["llm"]["model"] == "gpt-4o-mini-v2"
    calls.clear()
    config.upgrade(config.default_config(), 3)
    assert calls == []


def test_every_schema_version_below_the_current_one_has_an_upgrade():
    assert set(config.UPGRADES) == set(range(1, config.SCHEMA_VERSION))


def test_a_snapshot_from_a_newer_schema_is_refused():
    with pytest.raises(ConfigInvalid, match="newer than this server"):
        config.upgrade(config.default_config(), config.SCHEMA_VERSION + 1)


def test_changed_values_lists_each_differing_leaf():
    old = config.default_config()
    new = config.merge_patch(old, {"llm": {"temperature": 0.1}, "workflow": {"a": 1}})
    assert config.changed_values(old, new) == [
        ("llm.temperature", 0.7, 0.1),
        ("workflow", None, {"a": 1}),
    ]
    assert config.changed_paths(old, old) == []
