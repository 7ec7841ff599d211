"""What the stream pushed, shown live on the agent and channel pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from agents.models import Agent, Change, Channel
from agents.permissions import VIEW_AGENT, require
from agents.selectors import changes as changes_selectors
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest

PARTIAL = "agents/changes/_pushed.html"


def pushed_context(*, agent: Agent | None = None, channel: Channel | None = None) -> dict:
    pushed = changes_selectors.pushed(agent=agent, channel=channel)
    shown = describe(pushed.change) if pushed.change else ""
    return {"pushed": pushed, "shown_text": shown, "agent": agent, "channel": channel}


def describe(change: Change) -> str:
    """A change in a few words: "v4 released", "staging → v2", "routing updated"."""
    version = f"v{change.version}" if change.version else ""
    return {
        Change.Kind.RELEASE: f"{version} released",
        Change.Kind.ROLLBACK: f"rolled back to {version}",
        Change.Kind.LABEL_MOVED: f"{change.ref} → {version}"
        if version
        else f"{change.ref} removed",
        Change.Kind.CHANNEL_UPDATED: "routing updated",
        Change.Kind.ROLLOUT: "rollout step",
        Change.Kind.PROMPT_RELEASE: f"prompt {version} released",
        Change.Kind.AGENT_ARCHIVED: "archived" if change.archived else "back from the archive",
        Change.Kind.CHANGE_REQUEST_OPENED: "change request opened",
        Change.Kind.CHANGE_REQUEST_REVIEWED: "change request reviewed",
        Change.Kind.CHANGE_REQUEST_MERGED: "change request merged into the draft",
    }[change.kind]


@routes.pages.get("changes/pushed/", name="pushed")
def pushed(request: HtmxHttpRequest) -> HttpResponse:
    """The latest change about an agent (`?agent=`) or a channel (`?channel=`), how
    many stream subscribers it reached, and how many listen now."""
    require(request.user, VIEW_AGENT)
    if "channel" in request.GET:
        found = get_object_or_404(Channel, public_id=request.GET["channel"])
        context = pushed_context(channel=found)
    else:
        context = pushed_context(agent=get_object_or_404(Agent, public_id=request.GET.get("agent")))
    return render(request, PARTIAL, context)
