"""Search and blame in the console: an agent's every version and revision searched
for a phrase, and a text field's lines with the revision that wrote each."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from agents.permissions import VIEW_AGENT, require
from agents.selectors import agents as agents_selectors
from agents.selectors import blame
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, dialog, refused


@routes.agent_pages.get("search/", name="search")
def search(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """`?q=refund`: where the phrase entered, oldest first."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    phrase = request.GET.get("q", "").strip()
    hits, errors = [], {}
    if phrase:
        with refused() as refusal:
            hits = blame.search(agent, phrase)
        errors = refusal.errors
    context = {"agent": agent, "phrase": phrase, "hits": hits, "errors": errors}
    return render(request, "agents/blame/search.html", context)


@routes.agent_pages.get("blame/", name="blame")
def blame_field(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """`?path=prompt.system_prompt&ref=draft`: each line with who wrote it, and when."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    path, ref = request.GET.get("path", ""), request.GET.get("ref", "draft") or "draft"
    found = None
    with refused() as refusal:
        found = blame.blame_text(agent, path, ref)
    context = {"agent": agent, "path": path, "ref": ref, "found": found, "errors": refusal.errors}
    return dialog(request, "agents/blame/_blame_dialog.html", context)
