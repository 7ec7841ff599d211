"""Text as people type it: stripped, required where it must be, bounded, and never a
control character."""

import pytest

from agents.domain import text
from agents.domain.exceptions import InvalidInput


def test_text_is_stripped_and_checked_by_path():
    assert text.clean_text("  Front desk ", path="name", required=True, max_length=20) == (
        "Front desk"
    )
    assert text.clean_text(None, path="description", required=False, max_length=None) == ""
    for value, message in [(" ", "is required"), (3, "must be a string"), ("x" * 21, "at most")]:
        with pytest.raises(InvalidInput, match=message):
            text.clean_text(value, path="name", required=True, max_length=20)
    with pytest.raises(InvalidInput, match="control characters"):
        text.clean_text("bell\x07\n", path="name", required=True, max_length=20)


def test_name_and_description_problems_are_reported_together():
    assert text.clean_metadata(" Desk ", None) == {"name": "Desk"}
    with pytest.raises(InvalidInput) as refused:
        text.clean_metadata("", "\x00")
    assert [p["path"] for p in refused.value.errors] == ["name", "description"]
