"""The agent list, New agent, the agent page with its panels, and agent details."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from agents.domain.bundles import to_yaml
from agents.forms import editor
from agents.models import STATUS_LABELS, Agent
from agents.permissions import CHANGE_AGENT, CREATE_AGENT, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import alerts, bundles, prompts, releases, revisions
from agents.selectors import history as history_selectors
from agents.services import agents
from agents.views import events, routes
from agents.views.history import history_for
from agents.views.htmx import (
    HtmxHttpRequest,
    dialog,
    done,
    fragment_or_page,
    int_or,
    panel_views,
    refused,
)

PAGE = "agents/agents/detail.html"


def agent_url(agent: Agent) -> str:
    """The page of an agent, or of a library prompt (the same page, its own editor)."""
    name = "agents:prompt" if agent.kind == Agent.Kind.PROMPT else "agents:detail"
    return reverse(name, args=[agent.public_id])


KIND_PAGES: dict[str, dict[str, str]] = {
    "agent": {},  # the template's defaults
    "prompt": {
        "kind_title": "Prompts",
        "noun": "prompt",
        "prefix": "pr",
        "list_name": "agents:prompts",
        "create_name": "agents:prompt-create",
        "detail_name": "agents:prompt",
        "intro": "Shared, versioned prompts that agents link (pinned to a version or "
        "following the released one). Releasing one shows which agents and channels change.",
    },
}


@routes.pages.get("", name="list", kind="agent")
@routes.pages.get("prompts/", name="prompts", kind="prompt")
def versioned_list(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    """The agents, or the prompt library: search, status filter, pages of 25."""
    require(request.user, VIEW_AGENT)
    search = request.GET.get("q", "")
    status = request.GET.get("status", "")
    paginator = Paginator(agents_selectors.agent_list(search=search, status=status, kind=kind), 25)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "search": search,
        "status": status,
        "query": urlencode({"q": search, "status": status}),
        "statuses": STATUS_LABELS,
        "can": Abilities.of(request.user),
        **KIND_PAGES[kind],
    }
    return fragment_or_page(request, "agents/agents/list.html", "agent-table", context)


@routes.pages.form("agents/new/", name="create", kind="agent")
@routes.pages.form("prompts/new/", name="prompt-create", kind="prompt")
def versioned_create(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    """The New agent (or New prompt) dialog: a name and a description."""
    require(request.user, CREATE_AGENT)
    context: dict[str, Any] = {"errors": {}, "values": {}, **KIND_PAGES[kind]}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        with refused() as refusal:
            agent = agents.create_agent(user=request.user, kind=kind, **values)
        if refusal:
            context.update(errors=refusal.errors, values=values)
        else:
            url = agent_url(agent)
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
    return dialog(request, "agents/agents/_new_agent_dialog.html", context)


def prompt_choices(agent: Agent) -> prompts.LinkChoices:
    """The library prompts (and their versions) an agent's editor offers to link
    (none for a prompt)."""
    if agent.kind != Agent.Kind.AGENT:
        return prompts.LinkChoices()
    return prompts.link_choices()


def page_context(request: HtmxHttpRequest, agent: Agent, **extra: Any) -> dict[str, Any]:
    """Everything the agent page shows; `extra` overrides (the editor's state)."""
    can = Abilities.of(request.user)
    context: dict[str, Any] = {
        "agent": agent,
        "draft": agent.draft,
        "can": can,
        "history": history_for(agent, can),
        "draft_state": agents_selectors.draft_state(agent),
        "releases": history_selectors.release_activity(agent),
        "overview": releases.release_overview(agent),
        "revisions": revisions.revisions_page(agent),
        "alerts": list(alerts.alerts(agent=agent.public_id, open_only=True)[:5]),
        "form_errors": {},
        "conflict": None,
        "saved": False,
        "editor_url": reverse("agents:draft", args=[agent.public_id]),
        "branch": None,
    }
    context.update(extra)
    if "sections" not in context:
        context["sections"] = editor.editor_sections(
            agent.draft.config, {}, agent.kind, prompt_choices(agent)
        )
        context["form_revision"] = agent.draft.revision
    return context


@routes.agent_pages.get("", name="detail")
@routes.pages.get("prompts/<str:public_id>/", name="prompt")
def agent_detail(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    return render(request, PAGE, page_context(request, agent))


def _panel_context(request: HtmxHttpRequest, partial: str, public_id: str):
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    can = Abilities.of(request.user)
    context: dict[str, Any] = {"agent": agent, "draft": agent.draft, "can": can}
    context["draft_state"] = agents_selectors.draft_state(agent)
    if request.htmx:
        if partial == "history-panel":
            context["history"] = history_for(agent, can)
        elif partial == "release-log":
            label = request.GET.get("label", "").strip()[:32] or None
            context["releases"] = history_selectors.release_activity(agent, label=label)
            context["log_label"] = label
            context["overview"] = releases.release_overview(agent)
        elif partial == "draft-activity":
            context["revisions"] = revisions.revisions_page(agent)
    return agent, agent_url(agent), context


_agent_panel = panel_views(PAGE, _panel_context)
agent_header = routes.agent_pages("header/", name="header")(_agent_panel("agent-header"))
history_panel = routes.agent_pages("history/", name="history")(_agent_panel("history-panel"))
release_log = routes.agent_pages("releases/", name="releases")(_agent_panel("release-log"))
draft_activity = routes.agent_pages("activity/", name="activity")(_agent_panel("draft-activity"))


@routes.agent_pages.get("history/more/", name="history-more")
def history_more(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The next page of versions ("Load more"); without htmx, a full page of them."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    can = Abilities.of(request.user)
    history = history_for(agent, can, page=int_or(request.GET.get("page"), 1))
    context = {"agent": agent, "draft": agent.draft, "can": can, "history": history}
    if request.htmx:
        return render(request, f"{PAGE}#history-rows", context)
    return render(request, "agents/versions/history_page.html", context)


@routes.agent_pages.form("details/", name="details")
def agent_details(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Edit name and description: metadata, never a draft change or a version."""
    require(request.user, CHANGE_AGENT)
    agent = agents_selectors.versioned_for_page(public_id)
    values = {"name": agent.name, "description": agent.description}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
        }
        with refused() as refusal:
            agents.update_agent(agent=agent, user=request.user, **values)
        errors = refusal.errors
        if not refusal:
            return done(request, events.AGENT_UPDATED, agent_url(agent), "Details saved.")
    return dialog(
        request,
        "agents/agents/_details_dialog.html",
        {"agent": agent, "values": values, "errors": errors},
    )


@routes.agent_pages.get("export/", name="export")
def agent_export(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The agent's bundle as a YAML download (what `manage.py export_agents` writes)."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    response = HttpResponse(
        to_yaml(bundles.export_bundle(agent)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{agent.public_id}.yaml"'
    return response
