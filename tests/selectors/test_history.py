"""The history panel's reads: versions newest first a page at a time, the release log
with schedules, and whether the draft is saved in some version."""

import pytest

from agents.selectors import history
from agents.services import releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_versions_are_paged_newest_first_in_a_fixed_number_of_queries(
    agent, make_version, user, django_assert_max_num_queries
):
    for _ in range(history.HISTORY_PAGE_SIZE + 2):
        make_version(agent)
    releases.release_version(version=agent.versions.get(number=1), user=user)
    agent.refresh_from_db()
    with django_assert_max_num_queries(5):  # versions, channels, labels…: never per row
        first = history.history_page(agent=agent)
    assert first.rows[0].version.number == history.HISTORY_PAGE_SIZE + 2
    assert first.next_page == 2
    second = history.history_page(agent=agent, page=2)
    assert [row.version.number for row in second.rows] == [2, 1]
    assert second.rows[-1].is_released
    assert second.next_page is None


def test_the_release_log_and_whether_the_draft_is_saved(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    releases.release_version(version=v2, user=user)
    assert [event.version for event in history.release_log(agent)] == [v2, v1]
    agent.draft.refresh_from_db()
    assert history.draft_in_some_version(agent)
    edit(agent, {"prompt": {"welcome_message": "Unsaved"}}, user=user)
    agent.draft.refresh_from_db()
    assert not history.draft_in_some_version(agent)
