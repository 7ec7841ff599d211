"""Conversations and turns: what a conversation is bound to, and the ranges and order
the database holds them to."""

import pytest

from agents.models import Conversation, Turn
from agents.services import conversations
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


def test_a_conversation_says_what_it_is_bound_to(agent, released, user):
    version, _ = released
    on_version, _ = conversations.start_conversation(ref=agent.public_id, user=user)
    on_draft, _ = conversations.start_conversation(ref=f"{agent.public_id}@draft", user=user)
    on_revision, _ = conversations.start_conversation(ref=f"{agent.public_id}@r1", user=user)
    assert on_version.bound_version == version.number
    assert on_draft.bound_version == "draft"
    assert on_revision.bound_version == "r1"
    assert str(on_version) == on_version.public_id


def test_the_database_keeps_sentiment_and_duration_in_range(agent, released, user):
    conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
    rows = Conversation.objects.filter(pk=conversation.pk)
    refused_by_database(rows, sentiment=1.5)
    refused_by_database(rows, duration_s=-1)
    rows.update(sentiment=-1, duration_s=0)


def test_turns_have_one_position_each_and_a_known_role(agent, released, user):
    conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
    turn = Turn.objects.create(conversation=conversation, position=0, role="user", content="Hi")
    refused_by_database(Turn.objects.filter(pk=turn.pk), role="system")
    second = Turn.objects.create(
        conversation=conversation, position=1, role="assistant", content="-"
    )
    refused_by_database(Turn.objects.filter(pk=second.pk), position=0)
