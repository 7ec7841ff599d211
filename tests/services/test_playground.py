"""The playground: a session bound like any conversation, kept out of analytics."""

import pytest

from agents.domain.exceptions import (
    ConversationEnded,
    InvalidInput,
    ProviderFailed,
)
from agents.models import ConfigSnapshot, Conversation, Turn
from agents.services import conversations, playground, releases
from tests.helpers import BOOKING, Flaky, edit

pytestmark = pytest.mark.django_db


def test_a_playground_session_is_bound_like_any_conversation(agent, user):
    edit(agent, {"prompt": {"welcome_message": "Welcome!"}, **BOOKING}, user=user)
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    assert conversation.playground
    agent.draft.refresh_from_db()
    assert conversation.snapshot == ConfigSnapshot.objects.get(
        content_hash=agent.draft.content_hash
    )
    assert [t.content for t in conversation.turns.all()] == ["Welcome!"]

    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    asked, answered = playground.send_playground_message(
        conversation=conversation, text="Book Tuesday", user=user
    )
    assert (asked.position, answered.position) == (2, 3)
    assert answered.content == "You said: Book Tuesday (tools available: book)"
    assert answered.latency_ms >= 0
    assert answered.prompt_tokens > 0
    assert answered.provider == "echo"
    agent.draft.refresh_from_db()
    assert conversation.content_hash != agent.draft.content_hash  # still the draft it started on


def test_the_playground_can_talk_to_any_version(agent, user, make_version):
    v1 = make_version(agent, {"prompt": {"welcome_message": "v1 says hi"}})
    edit(agent, {"prompt": {"welcome_message": "draft says hi"}}, user=user)
    conversation = playground.start_playground(agent=agent, target=1, user=user)
    assert conversation.version == v1
    assert conversation.turns.get().content == "v1 says hi"


def test_a_provider_failure_in_the_playground_records_nothing(agent, user):
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    before = Turn.objects.count()
    with pytest.raises(ProviderFailed, match="timeout"):
        playground.send_playground_message(
            conversation=conversation, text="hi", user=user, provider=Flaky()
        )
    assert Turn.objects.count() == before
    with pytest.raises(InvalidInput):
        playground.send_playground_message(conversation=conversation, text="  ", user=user)


def test_playground_sessions_stay_out_of_analytics(agent, user, make_version):
    from agents.selectors import conversations as conversations_selectors

    version = make_version(agent)
    releases.release_version(version=version, user=user)
    playground.start_playground(agent=agent, target="released", user=user)
    assert conversations_selectors.version_stats(agent) == []
    conversations.start_conversation(ref=agent.public_id, user=user)
    assert [s.conversations for s in conversations_selectors.version_stats(agent)] == [1]


def test_an_ended_session_takes_no_more_messages(agent, user):
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    conversations.end_conversation(conversation=conversation, user=user, outcome="completed")
    conversation.refresh_from_db()
    with pytest.raises(ConversationEnded):
        playground.send_playground_message(conversation=conversation, text="hi", user=user)
    assert Conversation.objects.get(pk=conversation.pk).turns.count() == 1  # the welcome
