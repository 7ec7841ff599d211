"""What a save introduced, and search excerpts."""

from agents.domain import blame


def test_lines_added_to_a_text_and_values_set():
    old = {"prompt": {"system_prompt": "a\nb"}, "llm": {"temperature": 0.3}, "tools": []}
    new = {"prompt": {"system_prompt": "a\nB\nc\n"}, "llm": {"temperature": 0.5}, "tools": []}
    assert sorted(blame.introduced(old, new)) == [
        ("llm.temperature", "0.5"),
        ("prompt.system_prompt", "B"),
        ("prompt.system_prompt", "c"),
    ]
    assert blame.introduced(None, {"x": "one"}) == [("x", "one")]
    assert blame.introduced({"x": 1}, {}) == []


def test_excerpts_centre_the_match():
    text = "x" * 200 + " refund " + "y" * 200
    found = blame.excerpt(text, "REFUND")
    assert "refund" in found
    assert found.startswith("…")
    assert found.endswith("…")
    assert blame.excerpt("short", "zzz") == "short"
    assert blame.text_hash("a") == blame.text_hash("a") != blame.text_hash("b")
