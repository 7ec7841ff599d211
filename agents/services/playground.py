"""Playground sessions: chatting with the draft or a version before callers do."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from agents.domain import checks, references
from agents.domain.exceptions import ConversationEnded, ProviderFailed
from agents.domain.prompts import with_linked_texts
from agents.domain.references import agent_ref
from agents.domain.text import clean_text
from agents.models import Agent, Conversation, Turn
from agents.providers import Message, Provider, ProviderError, get_provider
from agents.selectors.conversations import prompts_of
from agents.services.base import User
from agents.services.conversations import start_conversation


def start_playground(*, agent: Agent, target: Any, user: User) -> Conversation:
    """A playground session: a conversation bound like any other (draft frozen as a
    snapshot), opened with the configuration's welcome message."""
    with transaction.atomic():
        conversation, resolved = start_conversation(
            ref=agent_ref(agent.public_id, references.parse(target)),
            user=user,
            playground=True,
        )
        welcome = resolved.config.get("prompt", {}).get("welcome_message", "")
        if welcome:
            Turn.objects.create(
                conversation=conversation, position=1, role="assistant", content=welcome
            )
    return conversation


def send_playground_message(
    *, conversation: Conversation, text: str, user: User, provider: Provider | None = None
) -> list[Turn]:
    """Ask the bound configuration's model for a reply; store both turns, or nothing.

    The provider is called outside any transaction (it may take seconds); a
    ProviderError raises ProviderFailed and records nothing.
    """
    text = clean_text(text, path="message", required=True, max_length=checks.MAX_TEXT)
    if conversation.ended_at is not None:
        raise ConversationEnded(f"{conversation.public_id} has ended; start a new session.")
    history = [Message(t.role, t.content) for t in conversation.turns.order_by("position")]
    provider = provider or get_provider()
    try:
        completion = provider.complete(
            config=with_linked_texts(conversation.config, prompts_of(conversation)),
            messages=[*history, Message("user", text)],
        )
    except ProviderError as exc:
        raise ProviderFailed(f"The model provider failed ({exc.code}): {exc.message}") from None
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.ended_at is not None:
            raise ConversationEnded(f"{locked.public_id} has ended; start a new session.")
        last = locked.turns.order_by("-position").values_list("position", flat=True).first() or 0
        asked = Turn.objects.create(
            conversation=locked, position=last + 1, role="user", content=text
        )
        answered = Turn.objects.create(
            conversation=locked,
            position=last + 2,
            role="assistant",
            content=completion.text,
            provider=completion.provider,
            model=completion.model,
            latency_ms=completion.latency_ms,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            tool_calls=completion.tool_calls,
        )
    return [asked, answered]
