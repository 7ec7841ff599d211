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
