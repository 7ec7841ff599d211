"""Conversations in the admin: read-only, with their turns inline."""

import pytest
from django.urls import reverse

from agents.models import Turn
from agents.services import conversations

pytestmark = pytest.mark.django_db


def test_support_reads_a_conversation_and_its_turns(admin_client, agent, history, user):
    conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
    Turn.objects.create(conversation=conversation, position=0, role="user", content="Hello there")
    listing = admin_client.get(reverse("admin:agents_conversation_changelist"))
    assert conversation.public_id in listing.content.decode()
    detail = admin_client.get(reverse("admin:agents_conversation_change", args=[conversation.pk]))
    assert "Hello there" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get(reverse("admin:agents_conversation_add")).status_code == 403
