"""Conversations: bound to one frozen configuration forever, ended once."""

import pytest

from agents.domain.exceptions import ConversationEnded, InvalidInput
from agents.services import conversations, releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_a_conversation_on_the_draft_keeps_the_draft_it_started_with(agent, user):
    edit(agent, {"prompt": {"welcome_message": "First"}}, user=user)
    started, resolved = conversations.start_conversation(ref=f"{agent.public_id}@draft", user=user)
    edit(agent, {"prompt": {"welcome_message": "Later"}}, user=user)
    assert started.snapshot.config["prompt"]["welcome_message"] == "First"
    assert started.content_hash == resolved.content_hash


def test_a_conversation_ends_once_with_a_known_outcome(agent, make_version, user):
    releases.release_version(version=make_version(agent), user=user)
    started, _ = conversations.start_conversation(ref=agent.public_id, user=user, key="c-1")
    assert started.version.number == 1
    with pytest.raises(InvalidInput):
        conversations.end_conversation(conversation=started, user=user, outcome="vanished")
    conversations.end_conversation(conversation=started, user=user, outcome="completed")
    started.refresh_from_db()
    with pytest.raises(ConversationEnded):
        conversations.end_conversation(conversation=started, user=user, outcome="completed")


def test_an_offline_start_is_checked_against_the_clock():
    from datetime import UTC, datetime, timedelta

    from agents.domain.exceptions import InvalidInput
    from agents.services.conversations import offline_start

    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert offline_start(now - timedelta(days=6), now=now) == now - timedelta(days=6)
    assert offline_start(now + timedelta(seconds=30), now=now) == now  # a clock a bit ahead
    for bad in (now + timedelta(minutes=5), now - timedelta(days=8), datetime(2026, 12, 4)):
        with pytest.raises(InvalidInput, match=r"offline\.started_at"):
            offline_start(bad, now=now)
