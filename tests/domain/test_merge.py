"""Three-way merge: worked cases an operator would meet, and its properties checked
with hypothesis — an unchanged side gives the other side, merging is symmetric up
to the conflicts' labels, and a clean merge keeps every edit of both sides."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.domain.exceptions import InvalidInput
from agents.domain.merge import ABSENT, merge

PROMPT = "\n".join(f"Paragraph {i}: be kind and brief." for i in range(1, 9))


def lines(text):
    return text.split("\n")


def edit_line(text, index, new):
    found = lines(text)
    found[index] = new
    return "\n".join(found)


def doc(**overrides):
    base = {
        "llm": {"model": "gpt-4o", "temperature": 0.3},
        "prompt": {"system_prompt": PROMPT, "welcome_message": "Hello"},
        "tools": [
            {"name": "lookup", "url": "https://a.example/lookup"},
            {"name": "book", "url": "https://a.example/book"},
        ],
    }
    for path, value in overrides.items():
        section, _, key = path.partition("__")
        base[section][key] = value
    return base


def test_two_operators_editing_different_paragraphs_both_land():
    base = doc()
    draft = doc(prompt__system_prompt=edit_line(PROMPT, 1, "Paragraph 2: mention refunds."))
    branch = doc(prompt__system_prompt=edit_line(PROMPT, 6, "Paragraph 7: never guess."))
    merged = merge(base, draft, branch)
    assert merged.clean
    text = lines(merged.value["prompt"]["system_prompt"])
    assert text[1] == "Paragraph 2: mention refunds."
    assert text[6] == "Paragraph 7: never guess."
    assert len(text) == 8


def test_the_same_line_changed_differently_is_a_conflict_with_markers():
    base = doc()
    draft = doc(prompt__system_prompt=edit_line(PROMPT, 3, "Paragraph 4: draft's words."))
    branch = doc(prompt__system_prompt=edit_line(PROMPT, 3, "Paragraph 4: branch's words."))
    merged = merge(base, draft, branch)
    (conflict,) = merged.conflicts
    assert conflict.path == "prompt.system_prompt"
    assert "<<<<<<< draft\nParagraph 4: draft's words.\n=======" in conflict.merged
    assert conflict.as_json()["base"] == PROMPT
    # unresolved: the preview keeps the draft's text
    assert merged.value["prompt"]["system_prompt"] == draft["prompt"]["system_prompt"]
    taken = merge(base, draft, branch, {"prompt.system_prompt": "branch"})
    assert taken.clean
    assert taken.value["prompt"]["system_prompt"] == branch["prompt"]["system_prompt"]
    edited = merge(base, draft, branch, {"prompt.system_prompt": {"value": "Both, rewritten."}})
    assert edited.value["prompt"]["system_prompt"] == "Both, rewritten."


def test_scalars_one_side_both_alike_and_differently():
    merged = merge(doc(), doc(llm__temperature=0.5), doc(prompt__welcome_message="Hi there"))
    assert merged.clean
    assert merged.value["llm"]["temperature"] == 0.5
    assert merged.value["prompt"]["welcome_message"] == "Hi there"
    assert merge(doc(), doc(llm__model="x"), doc(llm__model="x")).clean
    clash = merge(doc(), doc(llm__model="x"), doc(llm__model="y"))
    assert [(c.path, c.base, c.draft, c.branch) for c in clash.conflicts] == [
        ("llm.model", "gpt-4o", "x", "y")
    ]


def test_tools_merge_by_identity():
    base = doc()
    draft, branch = doc(), doc()
    draft["tools"][0]["url"] = "https://b.example/lookup"  # the draft edits lookup
    branch["tools"].append({"name": "cancel", "url": "https://a.example/cancel"})  # adds one
    del branch["tools"][1]  # and removes book
    merged = merge(base, draft, branch)
    assert merged.clean
    assert merged.value["tools"] == [
        {"name": "lookup", "url": "https://b.example/lookup"},
        {"name": "cancel", "url": "https://a.example/cancel"},
    ]


def test_a_tool_removed_on_one_side_and_changed_on_the_other_conflicts():
    draft, branch = doc(), doc()
    del draft["tools"][1]
    branch["tools"][1]["url"] = "https://c.example/book"
    merged = merge(doc(), draft, branch)
    (conflict,) = merged.conflicts
    assert (conflict.path, conflict.draft) == ("tools[book]", ABSENT)
    assert conflict.as_json()["draft"] is None
    kept = merge(doc(), draft, branch, {"tools[book]": "branch"})
    assert [t["name"] for t in kept.value["tools"]] == ["lookup", "book"]
    assert kept.value["tools"][1]["url"] == "https://c.example/book"


def test_resolutions_must_name_a_conflict_and_a_side():
    with pytest.raises(InvalidInput) as caught:
        merge(doc(), doc(), doc(), {"llm.model": "draft"})
    assert caught.value.errors[0]["path"] == "resolutions.llm.model"
    with pytest.raises(InvalidInput):
        merge(doc(), doc(llm__model="x"), doc(llm__model="y"), {"llm.model": "mine"})


# ------------------------------------------------------------------ properties

keys = st.sampled_from(["a", "b", "c", "d"])
scalars = st.one_of(st.integers(0, 3), st.sampled_from(["x", "y", "line 1\nline 2"]), st.none())
values = st.recursive(scalars, lambda inner: st.dictionaries(keys, inner, max_size=3), max_leaves=8)
documents = st.dictionaries(keys, values, max_size=4)
tool_lists = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["t1", "t2", "t3", "t4"]), "url": st.integers(0, 2)}
    ),
    max_size=4,
    unique_by=lambda tool: tool["name"],
)


@settings(max_examples=300, deadline=None)
@given(documents, documents)
def test_an_unchanged_side_gives_the_other(base, other):
    for merged in (merge(base, base, other), merge(base, other, base)):
        assert merged.clean
        assert merged.value == other


@settings(max_examples=300, deadline=None)
@given(documents, documents, documents)
def test_merging_is_symmetric_up_to_labels(base, a, b):
    one, two = merge(base, a, b), merge(base, b, a)
    assert sorted(c.path for c in one.conflicts) == sorted(c.path for c in two.conflicts)
    for c1 in one.conflicts:
        c2 = next(c for c in two.conflicts if c.path == c1.path)
        assert (c1.base, c1.draft, c1.branch) == (c2.base, c2.branch, c2.draft)
    if one.clean:
        assert one.value == two.value


@settings(max_examples=300, deadline=None)
@given(tool_lists, tool_lists, tool_lists)
def test_tool_lists_merge_symmetrically(base, a, b):
    one = merge({"tools": base}, {"tools": a}, {"tools": b})
    two = merge({"tools": base}, {"tools": b}, {"tools": a})
    assert sorted(c.path for c in one.conflicts) == sorted(c.path for c in two.conflicts)
    if one.clean:
        assert one.value == two.value
        names = [t["name"] for t in one.value["tools"]]
        assert len(names) == len(set(names))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(keys, st.integers(0, 9), min_size=1),
    st.data(),
)
def test_a_clean_merge_keeps_every_edit_of_both_sides(base, data):
    names = sorted(base)
    split = data.draw(st.integers(0, len(names)))
    mine, theirs = names[:split], names[split:]
    a, b = dict(base), dict(base)
    for key in mine:
        a[key] = data.draw(st.integers(10, 19))
    for key in theirs:
        b[key] = data.draw(st.integers(20, 29))
    merged = merge(base, a, b)
    assert merged.clean
    assert merged.value == {**base, **{k: a[k] for k in mine}, **{k: b[k] for k in theirs}}


@settings(max_examples=300, deadline=None)
@given(st.integers(3, 40), st.data())
def test_edits_to_lines_apart_in_one_text_both_land(n, data):
    base = [f"line {i}" for i in range(n)]
    cut = data.draw(st.integers(1, n - 2))  # line `cut` stays as it was on both sides
    a, b = list(base), list(base)
    for i in data.draw(st.sets(st.integers(0, cut - 1))):
        a[i] = f"draft {i}"
    for i in data.draw(st.sets(st.integers(cut + 1, n - 1))):
        b[i] = f"branch {i}"
    inserted = data.draw(st.booleans())
    if inserted:
        b.insert(n, "branch adds a last line")
    merged = merge({"t": "\n".join(base)}, {"t": "\n".join(a)}, {"t": "\n".join(b)})
    assert merged.clean
    expected = [*a[:cut], base[cut], *b[cut + 1 :]]
    assert merged.value["t"] == "\n".join(expected)
