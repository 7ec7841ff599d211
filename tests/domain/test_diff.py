"""The diff engine: every kind of change, by path, with bounded text work (no database)."""

import pytest

from agents.domain import config
from agents.domain.diff import INTRALINE_BUDGET, _Budget, diff, text_lines


def doc(**patch):
    return config.normalize(config.merge_patch(config.default_config(), patch))


def paths(result):
    return [(c.path, c.op) for c in result.changes]


def tool(name, **extra):
    return {"name": name, "type": "webhook", "url": f"https://x.example/{name}", **extra}


def test_identical_documents_have_no_changes():
    result = diff(doc(), doc())
    assert result.changes == []
    assert result.summary == {"added": 0, "removed": 0, "changed": 0, "moved": 0}


def test_a_scalar_change_has_its_path_and_both_values():
    [change] = diff(doc(), doc(llm={"temperature": 1.2})).changes
    assert (change.path, change.op, change.old, change.new) == (
        "llm.temperature",
        "changed",
        0.7,
        1.2,
    )
    assert change.section == "llm"
    assert change.as_json() == {"path": "llm.temperature", "op": "changed", "old": 0.7, "new": 1.2}


def test_tools_are_matched_by_name_not_position():
    old = doc(tools=[tool("a"), tool("b"), tool("c")])
    new = doc(tools=[tool("b"), tool("c", url="https://x.example/c2"), tool("d")])
    assert paths(diff(old, new)) == [
        ("tools[a]", "removed"),
        ("tools[c].url", "changed"),
        ("tools[d]", "added"),
    ]


def test_added_and_removed_items_carry_the_whole_item():
    result = diff(doc(), doc(tools=[tool("lookup_order")]))
    [change] = result.changes
    assert change.op == "added"
    assert change.new["name"] == "lookup_order"
    assert change.as_json().keys() == {"path", "op", "new"}
    [removed] = diff(doc(tools=[tool("x")]), doc()).changes
    assert removed.as_json().keys() == {"path", "op", "old"}


def test_reordering_is_reported_as_the_fewest_moves():
    old = doc(tools=[tool("a"), tool("b"), tool("c"), tool("d")])
    new = doc(tools=[tool("d"), tool("a"), tool("b"), tool("c")])
    [change] = diff(old, new).changes
    assert (change.path, change.op, change.old, change.new) == ("tools[d]", "moved", 3, 0)


def test_a_moved_and_edited_tool_reports_both():
    old = doc(tools=[tool("a"), tool("b")])
    new = doc(tools=[tool("b"), tool("a", description="new words")])
    assert paths(diff(old, new)) == [("tools[a]", "moved"), ("tools[a].description", "changed")]


def test_knowledge_and_analysis_fields_are_matched_by_identity():
    old = doc(
        knowledge=[{"knowledge_base_id": "faq"}],
        call_analysis={"fields": [{"name": "booked", "type": "boolean"}]},
    )
    new = doc(
        knowledge=[{"knowledge_base_id": "faq", "top_k": 9}],
        call_analysis={"fields": [{"name": "booked", "type": "string"}, {"name": "reason"}]},
    )
    assert paths(diff(old, new)) == [
        ("knowledge[faq].top_k", "changed"),
        ("call_analysis.fields[booked].type", "changed"),
        ("call_analysis.fields[reason]", "added"),
    ]


def test_nested_json_is_diffed_structurally():
    old = doc(
        input_schema={"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    )
    new = doc(
        input_schema={
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
            "required": ["a", "b"],
        }
    )
    assert paths(diff(old, new)) == [
        ("input_schema.properties.a.type", "changed"),
        ("input_schema.properties.b", "added"),
        ("input_schema.required[1]", "added"),
    ]
    assert paths(diff(doc(workflow={"start": "greet"}), doc())) == [("workflow", "changed")]
    assert paths(
        diff(doc(workflow={"start": "greet", "x": 1}), doc(workflow={"start": "greet"}))
    ) == [("workflow.x", "removed")]


def test_tool_parameters_are_diffed_inside_the_tool():
    old = doc(tools=[tool("t", parameters={"type": "object", "properties": {}})])
    new = doc(
        tools=[tool("t", parameters={"type": "object", "properties": {"id": {"type": "string"}}})]
    )
    assert paths(diff(old, new)) == [("tools[t].parameters.properties.id", "added")]


def test_long_text_becomes_line_hunks_with_intraline_highlights():
    old = "Hello caller.\nAlways confirm the name.\nBe brief.\n"
    new = "Hello caller.\nAlways confirm the full name.\nBe brief.\nSay goodbye.\n"
    [change] = diff(doc(prompt={"system_prompt": old}), doc(prompt={"system_prompt": new})).changes
    kinds = [line.kind for line in change.lines]
    assert kinds == ["equal", "replace", "equal", "insert"]
    replaced = change.lines[1]
    assert [s.text for s in replaced.new if s.changed] == ["full "]
    assert "".join(s.text for s in replaced.old) == "Always confirm the name."
    assert change.lines[3].new_no == 4


def test_unchanged_runs_are_folded_to_context():
    old = "\n".join(f"line {i}" for i in range(100))
    new = old.replace("line 50", "line fifty")
    rows = text_lines(old, new)
    assert [r.kind for r in rows] == ["skip"] + ["equal"] * 3 + ["replace"] + ["equal"] * 3 + [
        "skip"
    ]
    assert rows[0].skipped == 47
    assert rows[-1].skipped == 46


def test_short_single_line_text_is_a_plain_change():
    [change] = diff(doc(llm={"model": "a"}), doc(llm={"model": "b"})).changes
    assert change.lines is None


def test_changes_are_grouped_by_section_in_schema_order():
    result = diff(doc(), doc(voice={"tts_voice": "x"}, llm={"temperature": 0.1}))
    grouped = dict(result.by_section(config.SECTIONS))
    assert list(grouped)[:3] == ["prompt", "llm", "voice"]
    assert [c.path for c in grouped["voice"]] == ["voice.tts_voice"]
    assert grouped["prompt"] == []


def _prompt(lines, edit_every=None, mark="edited"):
    def word(i):
        return mark if edit_every and i % edit_every == 0 else "always"

    return "\n".join(
        f"Rule {i}: the assistant should {word(i)} follow instruction number {i} carefully."
        for i in range(lines)
    )


def test_a_thousand_line_prompt_with_ten_percent_edited_compares_only_the_edited_lines():
    """The work is what the edited lines cost, once each (the speed is measured in
    bench/diff.py, not here)."""
    old, new = _prompt(1000), _prompt(1000, edit_every=10)
    budget = _Budget()
    rows = text_lines(old, new, budget)
    replaced = [r for r in rows if r.kind == "replace"]
    assert len(replaced) == 100
    expected = sum(
        len("".join(s.text for s in r.old)) * len("".join(s.text for s in r.new)) for r in replaced
    )
    assert INTRALINE_BUDGET - budget.remaining == expected


def test_every_line_slightly_changed_stays_bounded():
    old = "\n".join(f"line {i} of the prompt says hello world" for i in range(600))
    new = "\n".join(f"line {i} of the prompt says hello world!" for i in range(600))
    budget = _Budget()
    rows = text_lines(old, new, budget)
    assert budget.remaining >= 0
    assert sum(r.kind == "replace" for r in rows) == 600
    assert all([s.text for s in r.new if s.changed] == ["!"] for r in rows if r.kind == "replace")


def test_huge_inputs_fall_back_to_whole_lines_within_budget():
    old = "\n".join("x" * 3000 + str(i) for i in range(60))
    new = "\n".join("y" * 3000 + str(i) for i in range(60))
    budget = _Budget()
    rows = text_lines(old, new, budget)
    assert budget.remaining >= 0
    assert all(len(r.old) == 1 and r.old[0].changed for r in rows if r.kind == "replace")


@pytest.mark.parametrize("size", [200_000])
def test_a_200kb_prompt_rewritten_completely_stays_within_budget(size):
    old = "\n".join(f"{i} alpha beta gamma delta" for i in range(size // 30))
    new = "\n".join(f"{i} delta gamma beta alpha" for i in range(size // 30))
    budget = _Budget()
    rows = text_lines(old, new, budget)
    assert budget.remaining >= 0
    assert sum(r.kind == "replace" for r in rows) == size // 30


def test_intraline_highlights_whole_words_never_parts_of_them():
    [row] = text_lines("Offer to move the slot.", "Offer to reschedule the slot.")
    assert [s.text for s in row.old if s.changed] == ["move"]
    assert [s.text for s in row.new if s.changed] == ["reschedule"]
    [row] = text_lines("Say hi to them.", "Say hello to the caller.")
    assert [s.text for s in row.new if s.changed] == ["hello", "the caller"]


def test_a_respelled_word_is_refined_to_the_characters_that_differ():
    [row] = text_lines("Explain the cancelation policy.", "Explain the cancellation policy.")
    assert [s.text for s in row.new if s.changed] == ["l"]
    assert not any(s.changed for s in row.old)
