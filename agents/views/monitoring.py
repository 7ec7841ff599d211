"""Monitoring: an agent's conversations, and per-version analytics with a chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from agents.models import Conversation
from agents.permissions import VIEW_AGENT, require
from agents.selectors import agents, conversations, versions
from agents.selectors import channels as channels_selectors
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, fragment_or_page


@routes.agent_pages.get("conversations/", name="conversations")
def agent_conversations(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Conversations of one agent: filter by version, channel, outcome and dates."""
    require(request.user, VIEW_AGENT)
    agent = agents.agent_for_page(public_id)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("version", "channel", "outcome", "since", "until")
    }

    problems: list[str] = []

    def day(key: str, label: str):
        try:
            return date.fromisoformat(filters[key]) if filters[key] else None
        except ValueError:
            problems.append(f"“{label}” is not a date (use YYYY-MM-DD); it is ignored.")
            return None

    since, until = day("since", "From"), day("until", "To")
    if since and until and since > until:
        problems.append("“From” is after “To”: no conversation can match. Swap the dates.")
    rows = conversations.conversations_page(
        agent,
        version=filters["version"],
        channel=filters["channel"],
        outcome=filters["outcome"],
        since=since,
        until=until,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    channels = channels_selectors.agent_channels(agent)
    names = {channel.public_id: channel.name for channel in channels}
    for row in page.object_list:
        row.channel_name = names.get(row.channel_ref, row.channel_ref)
    query = urlencode({name: value for name, value in filters.items() if value})
    context = {
        "agent": agent,
        "page": page,
        "filters": filters,
        "query": query,
        "outcomes": Conversation.Outcome.values,
        "channels": channels,
        "problems": problems,
        "versions": versions.recent_numbers(agent, limit=100),
    }
    return fragment_or_page(
        request, "agents/monitoring/conversations.html", "conversation-table", context
    )


@routes.agent_pages.get("conversations/<str:conversation_id>/", name="conversation")
def conversation_detail(request: HtmxHttpRequest, public_id: str, conversation_id: str):
    """One conversation: its transcript, what it was bound to, how it ended, its analysis."""
    require(request.user, VIEW_AGENT)
    agent = agents.agent_for_page(public_id)
    conversation = conversations.agent_conversation(agent, conversation_id)
    channel = next(
        (
            c
            for c in channels_selectors.agent_channels(agent)
            if c.public_id == conversation.channel_ref
        ),
        None,
    )
    return render(
        request,
        "agents/monitoring/conversation.html",
        {
            "agent": agent,
            "conversation": conversation,
            "turns": conversations.turns_of(conversation),
            "channel": channel,
        },
    )


@dataclass
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: str
    css: str
    low_y: float | None = None
    high_y: float | None = None


def _chart(a, b) -> dict[str, Any]:
    """Grouped bars (completion with its 95% interval, automation) for two versions."""
    top, height, width, group = 20, 180, 90, 230
    bars: list[Bar] = []
    metrics = [("Completion", "completion_rate"), ("Automation", "automation_rate")]
    for m, (title, attribute) in enumerate(metrics):
        for i, stats in enumerate((a, b)):
            value = getattr(stats, attribute) if stats else None
            share = value or 0.0
            x = 50 + m * group + i * (width + 10)
            bar = Bar(
                x=x,
                y=top + height * (1 - share),
                height=height * share,
                label=f"{title} {stats.label if stats else ''}",
                value="—" if value is None else f"{100 * value:.0f}%",
                css="bar-a" if i == 0 else "bar-b",
            )
            if attribute == "completion_rate" and stats and stats.completion_low is not None:
                bar.low_y = top + height * (1 - stats.completion_low)
                bar.high_y = top + height * (1 - stats.completion_high)
            bars.append(bar)
    ticks = [{"y": top + height * (1 - t / 100), "label": f"{t}%"} for t in (0, 50, 100)]
    return {
        "bars": bars,
        "ticks": ticks,
        "width": 50 + 2 * group + 20,
        "height": top + height + 40,
        "base": top + height,
        "bar_width": width,
        "titles": [(50 + m * group + width + 5, t) for m, (t, _) in enumerate(metrics)],
    }


@routes.agent_pages.get("analytics/", name="analytics")
def agent_analytics(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Per-version outcomes, and any two versions side by side with a chart."""
    require(request.user, VIEW_AGENT)
    agent = agents.agent_for_page(public_id)
    stats = conversations.version_stats(agent)
    by_label = {s.label: s for s in stats}
    released = agent.released_version.label if agent.released_version else None
    default_a = released if released in by_label else (stats[-1].label if stats else "")
    default_b = next((s.label for s in stats if s.label != default_a), default_a)
    a_label = request.GET.get("a", default_a)
    b_label = request.GET.get("b", default_b)
    a, b = by_label.get(a_label), by_label.get(b_label)
    context = {
        "agent": agent,
        "stats": stats,
        "a": a,
        "b": b,
        "a_label": a_label,
        "b_label": b_label,
        "chart": _chart(a, b),
    }
    return fragment_or_page(request, "agents/monitoring/analytics.html", "comparison", context)
