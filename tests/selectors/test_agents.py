"""Reads of agents: the list with status in one query, a page's agent, where its draft
stands."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import agents
from agents.services import agents as agents_services
from agents.services import releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_status_and_search_in_one_query(
    make_agent, make_version, user, django_assert_max_num_queries
):
    live, draft_only = make_agent("Front desk"), make_agent("Billing")
    releases.release_version(version=make_version(live), user=user)
    with django_assert_max_num_queries(1):
        rows = list(agents.agent_list())
    assert {row.name for row in rows} == {"Front desk", "Billing"}
    assert list(agents.agent_list(status="published")) == [live]
    assert list(agents.agent_list(status="unpublished")) == [draft_only]
    assert list(agents.agent_list(search="bill")) == [draft_only]
    assert list(agents.agent_list(status="nonsense")) == []


def test_archived_agents_and_prompts_are_kept_apart(make_agent, user):
    gone = make_agent("Old line")
    agents_services.archive_agent(agent=gone, user=user)
    assert list(agents.agent_list()) == []
    assert list(agents.agent_list(include_archived=True)) == [gone]
    with pytest.raises(UnknownReference):
        agents.agent_for_page(gone.public_id, kind="prompt")


def test_the_draft_state_says_where_the_draft_stands(agent, make_version, user):
    assert agents.draft_state(agents.agent_for_page(agent.public_id)).kind == "new"
    version = make_version(agent)
    assert agents.draft_state(agents.agent_for_page(agent.public_id)).kind == "saved"
    releases.release_version(version=version, user=user)
    assert agents.draft_state(agents.agent_for_page(agent.public_id)).kind == "released"
    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    state = agents.draft_state(agents.agent_for_page(agent.public_id))
    assert state.text == "Draft has changes since v1"
