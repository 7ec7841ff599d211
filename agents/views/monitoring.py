"""Monitoring: an agent's conversations, and per-version analytics with charts."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from agents.models import Conversation
from agents.permissions import VIEW_AGENT, require
from agents.selectors import agents, conversations, metrics, verdicts, versions
from agents.selectors import channels as channels_selectors
from agents.selectors import charts as charts_selectors
from agents.views import charts, routes
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


# The daily charts: which metric, its title, how its values read.
DAILY = (
    ("completion_rate", "Completion", lambda v: f"{v:.0%}", 1.0),
    ("latency_ms", "Mean latency", lambda v: f"{v:,.0f} ms", None),
    ("satisfaction", "Satisfaction", lambda v: f"{v:.1f}", 5.0),
    ("cost", "Cost per conversation", lambda v: f"${v:.3f}", None),
)


def _charts(scope: metrics.Scope, a, b) -> dict[str, Any]:
    """The latency distribution of both versions and a daily series per metric."""
    sides = [(a, "bar-a"), (b, "bar-b")]
    buckets = charts_selectors.latency_histogram(scope) if a.latency.n or b.latency.n else {}
    keys = sorted({k for entry, _ in sides for k in buckets.get(entry.version_id, {})})
    distribution = None
    if keys:
        distribution = charts.histogram(
            [
                charts.Series(entry.label, css, sorted(buckets.get(entry.version_id, {}).items()))
                for entry, css in sides
            ],
            list(range(keys[0], keys[-1] + 1)),
            lambda k: _ms(charts_selectors.bucket_floor_ms(k)),
        )
    days_by_version = charts_selectors.daily(scope)
    sides_days = [(entry, css, days_by_version.get(entry.version_id, [])) for entry, css in sides]
    days = sorted({d.day for _, _, kept in sides_days for d in kept})
    scores = sorted({name for _, _, kept in sides_days for d in kept for name in d.scores})
    shown = [*DAILY, *((f"score:{n}", f"Score {n}", lambda v: f"{v:.2f}", 1.0) for n in scores)]
    series = []
    for metric, title, fmt, ceiling in shown:
        lines = [
            charts.Series(entry.label, css, [(d.day, d.value(metric)) for d in kept])
            for entry, css, kept in sides_days
        ]
        series.append({"title": title, "chart": charts.lines(lines, days, fmt, ceiling)})
    return {"distribution": distribution, "daily": series if days else []}


def _ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


@routes.agent_pages.get("analytics/", name="analytics")
def agent_analytics(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Every metric per version, and any two versions side by side: each metric with
    its interval, a verdict with its p-value and a sentence, and charts."""
    require(request.user, VIEW_AGENT)
    agent = agents.agent_for_page(public_id)
    rows = metrics.version_metrics(metrics.Scope(agent))
    by_label = {m.label: m for m in rows}
    released = agent.released_version.label if agent.released_version else None
    default_a = released if released in by_label else (rows[-1].label if rows else "")
    default_b = next((m.label for m in rows if m.label != default_a), default_a)
    a_label = request.GET.get("a", default_a)
    b_label = request.GET.get("b", default_b)
    a, b = by_label.get(a_label), by_label.get(b_label)
    context = {
        "agent": agent,
        "stats": rows,
        "score_names": sorted({name for m in rows for name in m.scores}),
        "a": a,
        "b": b,
        "a_label": a_label,
        "b_label": b_label,
    }
    if a and b:
        context["compared"] = verdicts.compare_entries(a, b)
        scope = metrics.Scope(agent, version_ids=(a.version_id, b.version_id))
        context.update(_charts(scope, a, b))
    return fragment_or_page(request, "agents/monitoring/analytics.html", "comparison", context)
