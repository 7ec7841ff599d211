"""The runtime: resolve a reference, and conversations bound to one configuration."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Status

from agents.api import hot_path
from agents.api.common import Router, page, require
from agents.api.idempotency import idempotent
from agents.api.schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    ConversationEnd,
    ConversationIn,
    ConversationList,
    ConversationOut,
    ErrorOut,
    Paging,
    ResolveOut,
    TurnList,
)
from agents.api.shapes import conversation_out
from agents.domain.exceptions import InvalidInput
from agents.permissions import VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import channels as channels_selectors
from agents.selectors import conversations as conversations_selectors
from agents.selectors import runtime
from agents.services import channels
from agents.services import conversations as conversations_services

runtime_router = Router(tags=["runtime"])


@runtime_router.get(
    "/resolve/{ref}",
    response={200: ResolveOut, 304: None, 409: ErrorOut, 422: ErrorOut, **ERRORS_READ},
)
def resolve(request, ref: str):
    """Resolve ag_x, ag_x@released, ag_x@draft, ag_x@draft:BRANCH, ag_x@v3 or ag_x@r12

    `ETag` is the content hash (with the linked prompts' versions when the agent
    follows prompts); `If-None-Match` with it answers 304."""
    require(request, VIEW_AGENT)
    resolved = runtime.resolve(ref, getattr(request, "prefetched", None))
    return hot_path.resolved_response(resolved, request.headers.get("If-None-Match", ""))


conversations = Router(tags=["runtime"])


@conversations.post("", response={201: ConversationOut, 409: ErrorOut, **ERRORS_WRITE})
@idempotent
def start_conversation(request, payload: ConversationIn):
    """Start a conversation bound to one frozen configuration

    With `offline`, record one a runtime started while the console was unreachable,
    bound to that version of the agent (404 when it is not one of the agent's; 422 for
    a start in the future or more than 7 days ago); `Idempotency-Key` makes retries
    safe."""
    principal = require(request, VIEW_AGENT)
    if bool(payload.agent) == bool(payload.channel):
        raise InvalidInput([{"path": "agent", "message": "give exactly one of agent or channel"}])
    if payload.offline is not None:
        on = (
            channels_selectors.channel(payload.channel)
            if payload.channel
            else agents_selectors.agent_for_page(payload.agent)
        )
        conversation, resolved = channels.record_offline_conversation(
            on=on, user=principal, key=payload.key or "", **payload.offline.model_dump()
        )
    elif payload.channel:
        conversation, resolved = channels.start_conversation_on_channel(
            channel=channels_selectors.channel(payload.channel),
            key=payload.key or "",
            user=principal,
        )
    else:
        conversation, resolved = conversations_services.start_conversation(
            ref=payload.agent, key=payload.key or "", user=principal
        )
    return Status(201, conversation_out(conversation, resolved.agent, resolved))


@conversations.get("/{conversation_id}", response={200: ConversationOut, **ERRORS_READ})
def get_conversation(request, conversation_id: str):
    """A conversation and its binding (it never changes)"""
    require(request, VIEW_AGENT)
    conversation = conversations_selectors.conversation(conversation_id)
    return conversation_out(conversation, conversation.agent.public_id)


@conversations.get("/{conversation_id}/turns", response={200: TurnList, **ERRORS_READ})
def conversation_turns(request, conversation_id: str):
    """A conversation's transcript, in order"""
    require(request, VIEW_AGENT)
    conversation = conversations_selectors.conversation(conversation_id)
    return {"data": conversations_selectors.turns_of(conversation)}


@conversations.post(
    "/{conversation_id}/end", response={200: ConversationOut, 409: ErrorOut, **ERRORS_WRITE}
)
def end_conversation(request, conversation_id: str, payload: ConversationEnd):
    """Record how a conversation ended (once), with what callers felt and its transcript

    `latency_ms` (the median response latency), `satisfaction` (1 to 5), `cost` (USD),
    `scores` ({name: 0..1}) and `turns` (≤ 500) are all optional; any refusal (422 by
    path) stores nothing, and the conversation can be ended correctly afterwards."""
    principal = require(request, VIEW_AGENT)
    conversation = conversations_selectors.conversation(conversation_id)
    ended = conversations_services.end_conversation(
        conversation=conversation, user=principal, **payload.model_dump()
    )
    ended.agent, ended.version, ended.snapshot = (
        conversation.agent,
        conversation.version,
        conversation.snapshot,
    )
    return conversation_out(ended, conversation.agent.public_id)


@conversations.get("", response={200: ConversationList, **ERRORS_READ})
def list_conversations(
    request,
    paging: Query[Paging],
    agent: str | None = None,
    version: str | None = None,
    channel: str | None = None,
    outcome: Literal["completed", "transferred", "abandoned", "failed"] | None = None,
):
    """Conversations, newest first

    `version` is a number (`3` or `v3`) or `draft`."""
    require(request, VIEW_AGENT)
    rows = conversations_selectors.conversation_list(
        agent=agent, version=version, channel=channel, outcome=outcome
    )
    return page(request, rows, paging, lambda c: conversation_out(c, c.agent.public_id))


runtime_router.add_router("/conversations", conversations)
