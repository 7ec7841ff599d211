"""Presence in the console: the agent page and each branch page beat every few
seconds, and show who else is viewing or editing there, and whether someone saved
since the page loaded ("ann saved r41 2 minutes ago")."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from agents.domain import references
from agents.permissions import VIEW_AGENT, require
from agents.selectors import agents as agents_selectors
from agents.selectors import branches as branch_selectors
from agents.selectors import presence
from agents.services import presence as presence_services
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, int_or, refused

EVERY_S = 10


@routes.agent_pages.post("presence/", name="presence")
def heartbeat(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Record this viewer's heartbeat; answer who else is here."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    where = request.POST.get("where", "draft")
    with refused() as refusal:
        presence_services.heartbeat(
            agent=agent, user=request.user, where=where, editing=request.POST.get("editing") == "1"
        )
    if refusal:
        return HttpResponseBadRequest(refusal.message)
    reference = references.parse(where)
    target = (
        branch_selectors.branch(agent, reference.name)
        if reference.kind == "branch"
        else agent.draft
    )
    others = [p for p in presence.present(agent, where=where) if p.user_id != request.user.pk]
    context = {
        "agent": agent,
        "where": where,
        "others": others,
        "saved": presence.saved_since(target, int_or(request.POST.get("revision")), request.user),
        "every": EVERY_S,
    }
    return render(request, "agents/presence/_presence.html", context)
