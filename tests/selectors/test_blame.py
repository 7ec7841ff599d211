"""Search and blame: which revision introduced a phrase, and each line of a prompt
with the revision (or the version) that wrote it — on the draft, a version, a
revision and a branch."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.selectors import blame
from agents.services import branches, drafts
from agents.services import versions as versions_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def prompt(*lines):
    return {"prompt": {"system_prompt": "\n".join(lines)}}


@pytest.fixture
def history(agent, make_user):
    ann, bob = make_user("Editor", username="ann"), make_user("Editor", username="bob")
    edit(agent, prompt("Be kind.", "Be brief."), user=ann)  # r2
    versions_services.save_version(agent=agent, name="First", user=ann)  # v1 = r2
    edit(agent, prompt("Be kind.", "Offer a refund.", "Be brief."), user=bob)  # r3
    edit(agent, {"llm": {"model": "refund-model"}}, user=ann)  # r4
    return agent


def test_search_finds_where_a_phrase_came_in(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        hits = blame.search(history, "REFUND")
    assert [(h.ref, h.path, h.excerpt) for h in hits] == [
        ("r3", "prompt.system_prompt", "Offer a refund."),
        ("r4", "llm.model", "refund-model"),
    ]
    assert [h.ref for h in blame.search(history, "be kind")] == ["v1"]
    with pytest.raises(InvalidInput):
        blame.search(history, "x")


def test_blame_names_the_revision_or_version_of_each_line(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        found = blame.blame_text(history, "prompt.system_prompt")
    assert [(line.text, line.since, line.author) for line in found.lines] == [
        ("Be kind.", "v1", "ann"),
        ("Offer a refund.", "r3", "bob"),
        ("Be brief.", "v1", "ann"),
    ]
    old = blame.blame_text(history, "prompt.system_prompt", "v1")
    assert [line.since for line in old.lines] == ["v1", "v1"]
    assert [
        line.since for line in blame.blame_text(history, "prompt.system_prompt", "r3").lines
    ] == [
        "v1",
        "r3",
        "v1",
    ]
    with pytest.raises(InvalidInput):
        blame.blame_text(history, "llm.temperature")


def test_a_branch_keeps_the_main_lines_and_adds_its_own(history, user):
    branches.create_branch(agent=history, name="b", user=user)
    from agents.selectors import branches as branch_selectors

    config = branch_selectors.branch(history, "b").config
    config = {**config, "prompt": {**config["prompt"]}}
    config["prompt"]["system_prompt"] += "\nMention the 30 days."
    saved = drafts.update_draft(agent=history, config=config, user=user, branch="b")
    lines = blame.blame_text(history, "prompt.system_prompt", "draft:b").lines
    assert [line.since for line in lines] == ["v1", "r3", "v1", f"r{saved.revision}"]
    assert blame.search(history, "30 days")[0].branch == "b"


def test_rebuilding_the_index_gives_the_same_answers(history):
    from agents.services import blame as blame_services

    before = blame.blame_text(history, "prompt.system_prompt")
    blame_services.rebuild([history.pk])
    assert blame.blame_text(history, "prompt.system_prompt") == before
