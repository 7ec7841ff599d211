"""Prompt documents: variables with types and defaults, rendered into text."""

import pytest

from agents.domain import prompts
from agents.domain.exceptions import ConfigInvalid


def document(**variables):
    return prompts.normalize(
        {
            "text": "Hello {{name}}, you have {{count}} slots.",
            "variables": [{"name": n, **spec} for n, spec in variables.items()],
        }
    )


def test_placeholders_are_found_in_order_of_first_use():
    assert prompts.placeholders("{{a}} {{b}} {{a}}") == ["a", "b"]


def test_a_prompt_renders_with_values_and_defaults():
    found = document(name={"type": "string"}, count={"type": "number", "default": 2})
    assert prompts.render(found, {"name": "Ava"}) == "Hello Ava, you have 2 slots."
    assert prompts.render(found, {"name": "Ava", "count": 3.0}) == "Hello Ava, you have 3 slots."


def test_missing_unknown_and_mistyped_values_are_named_by_path():
    found = document(name={"type": "string"}, count={"type": "number", "default": 2})
    problems = prompts.value_problems(found, {"count": "many", "colour": "red"}, "variables")
    assert {p["path"] for p in problems} == {
        "variables.count",
        "variables.colour",
        "variables.name",
    }
    with pytest.raises(ConfigInvalid):
        prompts.render(found, {})


def test_a_default_must_have_its_variables_type_and_names_are_unique():
    with pytest.raises(ConfigInvalid):
        document(count={"type": "number", "default": "two"})
    with pytest.raises(ConfigInvalid):
        prompts.normalize({"text": "x", "variables": [{"name": "a", "type": "string"}] * 2})


def test_a_form_typed_default_is_read_as_its_type():
    typed = prompts.coerce_defaults(
        {"text": "x", "variables": [{"name": "n", "type": "number", "default": "3"}]}
    )
    assert typed["variables"][0]["default"] == 3


def test_linked_texts_follow_the_system_prompt_in_link_order():
    config = {"prompt": {"system_prompt": "You are Ava."}}
    linked = [{"text": "Be brief."}, {"text": "Speak English."}]
    composed = prompts.with_linked_texts(config, linked)
    assert composed["prompt"]["system_prompt"].split("\n\n") == [
        "You are Ava.",
        "Be brief.",
        "Speak English.",
    ]
