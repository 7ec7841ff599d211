"""A prompt link's selects: the library's prompts and a prompt's versions, never losing
what the document holds."""

from agents.forms import data_choices
from agents.selectors.prompts import LinkChoices

CHOICES = LinkChoices(
    prompts=[("pr_aaaaaaaaaa", "Tone")], versions={"pr_aaaaaaaaaa": [(2, "Warmer"), (1, "First")]}
)


def test_the_prompt_select_lists_the_library():
    found = data_choices.options("prompts", "pr_aaaaaaaaaa", {}, CHOICES)
    assert [o.value for o in found] == ["", "pr_aaaaaaaaaa"]
    assert found[1].label == "Tone (pr_aaaaaaaaaa)"


def test_the_version_select_follows_the_rows_prompt():
    found = data_choices.options("versions", None, {"prompt": "pr_aaaaaaaaaa"}, CHOICES)
    assert [(o.value, o.label) for o in found] == [
        ("", "Follow released"),
        ("2", "v2 · Warmer"),
        ("1", "v1 · First"),
    ]


def test_a_value_the_library_does_not_know_stays_selectable_and_says_so():
    gone = data_choices.options("prompts", "pr_gonegonego", {}, CHOICES)
    assert gone[-1].label == "pr_gonegonego (not in the library)"
    missing = data_choices.options("versions", 9, {"prompt": "pr_aaaaaaaaaa"}, CHOICES)
    assert missing[-1].label == "v9 (not a version of this prompt)"
