"""The draft's revision timeline: more rows, and Restore for any revision."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents
from agents.selectors import revisions as revisions_selectors
from agents.services import revisions
from agents.templatetags.console import when
from agents.views import routes
from agents.views.agents import PAGE
from agents.views.htmx import HtmxHttpRequest, int_or
from agents.views.versions import RestoreSource, restore_dialog


@routes.agent_pages.get("revisions/more/", name="revisions-more")
def revisions_more(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The next page of revisions ("Load more"); without htmx, a full page of them."""
    require(request.user, VIEW_AGENT)
    agent = agents.versioned_for_page(public_id)
    context = {
        "agent": agent,
        "draft": agent.draft,
        "can": Abilities.of(request.user),
        "revisions": revisions_selectors.revisions_page(
            agent, page=int_or(request.GET.get("page"), 1)
        ),
    }
    if request.htmx:
        return render(request, f"{PAGE}#revision-rows", context)
    return render(request, "agents/revisions/revisions_page.html", context)


@routes.agent_pages.form("revisions/<int:number>/restore/", name="revision-restore")
def restore_revision(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    """Restore draft revision rN: the same dialog, warnings and save-first as a version."""
    require(request.user, EDIT_DRAFT)
    agent = agents.versioned_for_page(public_id)
    revision = revisions_selectors.revision(agent, number)
    who = revision.created_by.get_username() if revision.created_by else "system"
    source = RestoreSource(
        label=revision.label,
        name=f"({revision.reason or 'Changed'} by {who}, {when(revision.created_at)})",
        config=revision.snapshot.config,
        action=reverse("agents:revision-restore", args=[agent.public_id, number]),
        restore=lambda **kw: revisions.restore_revision(agent=agent, number=number, **kw),
    )
    return restore_dialog(request, agent, source)
