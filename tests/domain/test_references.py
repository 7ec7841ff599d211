"""The reference grammar: one parser, and one spelling back for each use."""

import pytest

from agents.domain import references
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.domain.references import Reference


@pytest.mark.parametrize(
    ("text", "kind", "number", "name"),
    [
        ("draft", "draft", None, ""),
        (" Released ", "released", None, ""),
        ("v3", "version", 3, ""),
        ("3", "version", 3, ""),
        ("r12", "revision", 12, ""),
        ("staging", "label", None, "staging"),
    ],
)
def test_every_spelling_reads_as_one_reference(text, kind, number, name):
    assert references.parse(text) == Reference(kind, number, name)


@pytest.mark.parametrize("text", ["", "Stage ing", "-x", None, "v1234567890", "9lives", "a" * 40])
def test_what_names_nothing_is_unknown(text):
    """`v` or `v1x` are label names; these spell nothing."""
    assert references.try_parse(text) is None
    with pytest.raises(UnknownReference):
        references.parse(text)


def test_each_reference_is_spelled_back_for_responses_urls_and_channels():
    version, revision = Reference("version", 3), Reference("revision", 12)
    label = Reference("label", name="staging")
    assert (version.label, version.path_form, version.as_target()) == ("v3", "3", {"version": 3})
    assert (revision.label, revision.path_form, revision.is_frozen) == ("r12", "r12", True)
    assert (label.label, label.as_target(), label.is_frozen) == (
        "staging",
        {"label": "staging"},
        False,
    )
    assert references.RELEASED.as_target() == "released"
    for reference in (version, label, references.RELEASED):
        assert Reference.of_target(reference.as_target()) == reference


@pytest.mark.parametrize("name", ["draft", "released", "latest", "v2", "r9", "Upper", "9lives"])
def test_label_names_never_collide_with_the_grammar(name):
    assert not references.is_label_name(name)


def test_a_runtime_reference_prefixes_the_agent_and_defaults_to_released():
    agent = "ag_abcdefghij"
    assert references.parse_agent_ref(agent) == (agent, references.RELEASED)
    assert references.parse_agent_ref(f"{agent}@v2") == (agent, Reference("version", 2))
    assert references.agent_ref(agent, Reference("revision", 4)) == f"{agent}@r4"
    with pytest.raises(InvalidInput):
        references.parse_agent_ref("ag_short@v1")
