"""Reads of draft revisions: one by number, newest first in pages, and which versions
hold the same content."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import revisions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_revisions_are_found_by_number_and_paged_newest_first(agent, make_version, user):
    for n in range(3):
        edit(agent, {"prompt": {"welcome_message": f"Hi {n}"}}, user=user)
    version = make_version(agent)
    agent.draft.refresh_from_db()
    latest = revisions.revision(agent, agent.draft.revision)
    assert revisions.versions_with_content(agent, latest.content_hash) == [version.number]
    page = revisions.revisions_page(agent)
    numbers = [row.revision.number for row in page.rows]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers[0] == agent.draft.revision
    assert page.rows[0].is_current
    assert page.rows[0].versions == (version.label,)
    assert revisions.revision(agent, 2).number == 2
    with pytest.raises(UnknownReference):
        revisions.revision(agent, 99)


def test_a_branch_revisions_changes_are_against_the_same_draft(agent, user):
    from agents.selectors import branches as branch_selectors
    from agents.services import branches, drafts

    branches.create_branch(agent=agent, name="b", user=user)  # r2 on b
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)  # r3 on the draft
    config = branch_selectors.branch(agent, "b").config
    drafts.update_draft(
        agent=agent,
        config={**config, "llm": {**config["llm"], "temperature": 0.9}},
        user=user,
        branch="b",
    )  # r4 on b
    rows = {row.revision.number: row for row in revisions.revisions_page(agent).rows}
    assert rows[4].previous == "r2"
    assert rows[3].previous == "r1"
    assert rows[4].revision.branch == "b"
