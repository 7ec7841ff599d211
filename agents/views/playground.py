"""The playground: chat with the draft or any version before callers do."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from agents.models import Conversation
from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents, conversations, evals
from agents.services import playground as playground_services
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, refused


def _session_context(conversation: Conversation) -> dict[str, Any]:
    turns = list(conversation.turns.order_by("position"))
    replies = [t for t in turns if t.latency_ms is not None]
    config = conversation.config
    return {
        "session": conversation,
        "turns": turns,
        "tools": config.get("tools", []),
        "model": config.get("llm", {}).get("model", ""),
        "totals": {
            "prompt_tokens": sum(t.prompt_tokens or 0 for t in replies),
            "completion_tokens": sum(t.completion_tokens or 0 for t in replies),
            "mean_latency_ms": sum(t.latency_ms for t in replies) / len(replies)
            if replies
            else None,
        },
    }


def _playground(request: HtmxHttpRequest, agent, context: dict[str, Any]) -> HttpResponse:
    context = {
        "agent": agent,
        "can": Abilities.of(request.user),
        "targets": evals.run_targets(agent),
        "errors": {},
        "session": None,
        "message": "",
        **context,
    }
    if request.htmx:
        return render(request, "agents/playground/_playground.html", context)
    return render(request, "agents/playground/playground.html", context)


@routes.agent_pages.form("playground/", name="playground")
def playground(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the playground (pick what to talk to). POST: start a session with it."""
    agent = agents.agent_for_page(public_id)
    if request.method == "GET":
        require(request.user, VIEW_AGENT)
        return _playground(request, agent, {})
    require(request.user, EDIT_DRAFT)
    target = request.POST.get("target", "draft")
    with refused() as refusal:
        conversation = playground_services.start_playground(
            agent=agent, target=target, user=request.user
        )
    if refusal:
        return _playground(request, agent, {"errors": {"": refusal.message}, "target": target})
    if not request.htmx:
        return redirect("agents:playground-session", public_id, conversation.public_id)
    return _playground(request, agent, {**_session_context(conversation), "target": target})


@routes.agent_pages.form("playground/<str:conversation_id>/", name="playground-session")
def playground_session(request: HtmxHttpRequest, public_id: str, conversation_id: str):
    """GET: a session's transcript. POST: send the operator's message, show the reply."""
    agent = agents.agent_for_page(public_id)
    conversation = conversations.playground_session(agent, conversation_id)
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    extra: dict[str, Any] = {"target": conversation.bound_version}
    if request.method == "POST":
        text = request.POST.get("message", "")
        with refused() as refusal:
            playground_services.send_playground_message(
                conversation=conversation, text=text, user=request.user
            )
        if refusal:
            extra.update(errors={"": refusal.message}, message=text)
    return _playground(request, agent, {**_session_context(conversation), **extra})
