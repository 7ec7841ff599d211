"""Reading another platform's file: values by path, and whatever was never read."""

import pytest

from agents.domain.peers import source


def test_what_is_read_is_used_and_what_is_not_is_listed_by_its_highest_path():
    found = source.Source(
        {"model": {"temperature": 0.4, "extra": {"deep": 1}}, "id": "x", "empty": ""},
        ignore=("id",),
    )
    assert found.get("model.temperature") == 0.4
    assert found.peek("model.extra.deep") == 1  # a peek does not count as read
    assert found.unmapped() == ["model.extra"]  # not `id` (ignored), not `empty` (nothing)


def test_a_value_of_the_wrong_shape_names_its_path():
    found = source.Source({"model": {"messages": "not a list"}})
    with pytest.raises(source.ShapeError, match=r"model\.messages: must be a list"):
        found.listing("model.messages")


def test_names_become_identifiers_and_numbers_are_clamped():
    assert source.identifier("book-slot", "tool") == "book_slot"
    assert source.identifier("9 lives", "tool") == "tool_9_lives"
    assert source.identifier(None, "tool") == "tool"
    assert source.clamp(3.5, 0, 2) == 2.0
    assert source.clamp(True, 0, 2) is None


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("OpenAI", "", "openai"),
        ("azure-openai", "", "azure"),
        (None, "claude-3-5-sonnet", "anthropic"),
        (None, "gemini-2.5-flash", "google"),
        (None, "gpt-4o", "openai"),
    ],
)
def test_the_llm_provider_is_mapped_or_guessed_from_the_model(provider, model, expected):
    assert source.llm_provider(provider, model) == expected
