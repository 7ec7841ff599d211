"""Branches in the console: the card on the agent page, the New branch dialog, a
branch's page (its editor, where it started, its change request), deleting one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from agents.domain import references
from agents.domain.exceptions import InvalidInput
from agents.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import branches as selectors
from agents.selectors.compare import compare_choices, compare_side
from agents.services import agents as agents_services
from agents.services import branches as services
from agents.services import change_requests as change_requests_services
from agents.services import revisions as revisions_services
from agents.services import versions as versions_services
from agents.views import drafts, events, routes
from agents.views.agents import agent_url
from agents.views.htmx import HtmxHttpRequest, dialog, done, int_or, refused


@routes.agent_pages.get("branches/", name="branches")
def branches_card(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The agent page's Branches card: each branch with its open change request (a
    page of its own without htmx)."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    rows = list(selectors.kept(agent))
    requests = selectors.open_change_requests(rows)
    context = {
        "agent": agent,
        "rows": [(branch, requests.get(branch.pk)) for branch in rows],
        "can": Abilities.of(request.user),
    }
    return dialog(request, "agents/branches/_card.html", context)


@routes.agent_pages.post("branches/reviews/", name="reviews-required")
def reviews_required(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """How many approving reviews a merge needs: 0, 1 or 2 (Releasers)."""
    require(request.user, RELEASE)
    agent = agents_selectors.agent_for_page(public_id)
    with refused() as refusal:
        agents_services.update_agent(
            agent=agent, user=request.user, reviews_required=int_or(request.POST.get("reviews"))
        )
    if refusal:
        messages.error(request, refusal.message)
        return redirect(agent_url(agent))
    count = agents_selectors.agent_for_page(public_id).reviews_required
    return done(
        request,
        events.BRANCH_CHANGED,
        agent_url(agent),
        f"Merges of {agent.name} need {count} approving review{'s' if count != 1 else ''}.",
    )


@routes.agent_pages.form("branches/new/", name="new-branch")
def new_branch(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Name a branch and pick what it starts from (the draft by default)."""
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    values = {
        "name": request.POST.get("name", ""),
        "source": request.POST.get("source", "draft") or "draft",
    }
    context: dict[str, Any] = {
        "agent": agent,
        "values": values,
        "choices": compare_choices(agent),
        "errors": {},
    }
    if request.method == "POST":
        with refused() as refusal:
            branch = services.create_branch(
                agent=agent, name=values["name"], source=values["source"], user=request.user
            )
        context["errors"] = refusal.errors
        if not refusal:
            url = reverse("agents:branch", args=[agent.public_id, branch.name])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return dialog(request, "agents/branches/_new_branch_dialog.html", context)


@routes.agent_pages.get("branches/<str:name>/", name="branch")
def branch_page(request: HtmxHttpRequest, public_id: str, name: str) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    branch = selectors.branch(agent, name)
    return render(request, drafts.BRANCH_PAGE, drafts.branch_context(request, agent, branch))


@routes.agent_pages.form("branches/<str:name>/draft/", name="branch-draft")
def branch_draft(request: HtmxHttpRequest, public_id: str, name: str) -> HttpResponse:
    """The branch's editor: as the draft's, saving to the branch."""
    agent = agents_selectors.versioned_for_page(public_id)
    return drafts.edit(request, agent, selectors.branch(agent, name))


@routes.agent_pages.post("branches/<str:name>/restore/", name="restore-into-branch")
def restore_into_branch(request: HtmxHttpRequest, public_id: str, name: str) -> HttpResponse:
    """Put a version's or a revision's configuration into the branch, as a revision."""
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    branch = selectors.branch(agent, name)
    source = request.POST.get("source", "")
    page = reverse("agents:branch", args=[agent.public_id, name])
    with refused() as refusal:
        reference = references.parse(source)
        if reference.kind == "revision":
            saved = revisions_services.restore_revision(
                agent=agent, number=reference.number, user=request.user, branch=name
            )
        elif reference.kind in ("draft", "branch"):
            raise InvalidInput([{"path": "source", "message": "pick a version or a revision"}])
        else:
            side = compare_side(agent, source)
            saved = versions_services.restore_version(
                version=side.version, user=request.user, branch=name
            )
    if refusal:
        messages.error(request, refusal.message)
        return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    message = f"Restored {source} into draft:{branch.name} (r{saved.revision})."
    return done(request, events.BRANCH_CHANGED, page, message)


@routes.agent_pages.post("branches/<str:name>/delete/", name="delete-branch")
def delete_branch(request: HtmxHttpRequest, public_id: str, name: str) -> HttpResponse:
    """Delete the branch (its revisions stay in the agent's history)."""
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    page = reverse("agents:branch", args=[agent.public_id, name])
    with refused() as refusal:
        services.delete_branch(agent=agent, name=name, user=request.user)
    if refusal:
        messages.error(request, refusal.message)
        return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    messages.success(request, f"Deleted branch draft:{name}; its revisions stay.")
    url = agent_url(agent)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@routes.agent_pages.form("branches/<str:name>/change-request/", name="open-change-request")
def open_change_request(request: HtmxHttpRequest, public_id: str, name: str) -> HttpResponse:
    """Propose the branch for the main draft: a title and why."""
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    branch = selectors.branch(agent, name)
    values = {
        "title": request.POST.get("title", ""),
        "description": request.POST.get("description", ""),
    }
    context: dict[str, Any] = {"agent": agent, "branch": branch, "values": values, "errors": {}}
    if request.method == "POST":
        with refused() as refusal:
            cr = change_requests_services.open_change_request(
                agent=agent,
                branch=name,
                title=values["title"],
                description=values["description"],
                user=request.user,
            )
        context["errors"] = refusal.errors
        if not refusal:
            url = reverse("agents:change-request", args=[cr.public_id])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return dialog(request, "agents/branches/_open_request_dialog.html", context)
