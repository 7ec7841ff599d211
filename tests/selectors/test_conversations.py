"""Reads of conversations: by version, per-version outcomes in one query, turns."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import conversations
from agents.services import conversations as conversations_services
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_conversations_are_listed_and_counted_per_version(
    agent, make_version, user, django_assert_max_num_queries
):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    for outcome in ("completed", "failed"):
        started, _ = conversations_services.start_conversation(ref=agent.public_id, user=user)
        conversations_services.end_conversation(conversation=started, user=user, outcome=outcome)
    releases.release_version(version=v2, user=user)
    conversations_services.start_conversation(ref=agent.public_id, user=user)
    with django_assert_max_num_queries(2):
        stats = {s.number: s for s in conversations.version_stats(agent)}
    assert (stats[1].conversations, stats[1].ended, stats[1].completion_rate) == (2, 2, 0.5)
    assert stats[2].conversations == 1
    assert conversations.bound_to(conversations.conversation_list(), "v1").count() == 2


def test_a_conversation_is_found_only_under_its_agent(agent, make_version, make_agent, user):
    releases.release_version(version=make_version(agent), user=user)
    started, _ = conversations_services.start_conversation(ref=agent.public_id, user=user)
    assert conversations.conversation(started.public_id) == started
    assert list(conversations.turns_of(started)) == []
    with pytest.raises(UnknownReference):
        conversations.agent_conversation(make_agent("Other"), started.public_id)
