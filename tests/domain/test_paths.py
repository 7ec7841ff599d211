"""One spot of a document by its diff path: read and written."""

import pytest

from agents.domain import paths

DOC = {
    "llm": {"temperature": 0.3},
    "tools": [{"name": "lookup", "url": "a"}, {"name": "book", "url": "b"}],
    "examples": ["x", "y"],
}


def test_reads_keys_identified_items_and_positions():
    assert paths.get(DOC, "llm.temperature") == 0.3
    assert paths.get(DOC, "tools[book].url") == "b"
    assert paths.get(DOC, "tools[lookup]") == {"name": "lookup", "url": "a"}
    assert paths.get(DOC, "examples[1]") == "y"


@pytest.mark.parametrize("path", ["llm.top_p", "tools[cancel]", "examples[5]", "", "llm..x", "]"])
def test_a_spot_that_is_not_there(path):
    with pytest.raises(paths.NoSuchPath):
        paths.get(DOC, path)


def test_writes_a_copy():
    changed = paths.put(DOC, "tools[book].url", "c")
    assert changed["tools"][1]["url"] == "c"
    assert DOC["tools"][1]["url"] == "b"
    assert paths.put(DOC, "llm.top_p", 1)["llm"] == {"temperature": 0.3, "top_p": 1}
    assert paths.put(DOC, "examples[0]", "z")["examples"] == ["z", "y"]
    with pytest.raises(paths.NoSuchPath):
        paths.put(DOC, "nothing.here", 1)
