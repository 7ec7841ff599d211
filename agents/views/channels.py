"""Channels: the list, and one form to create or edit (target picker, A/B variants)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from agents.domain import moments
from agents.forms import channels as channels_forms
from agents.models import Channel, Rollout
from agents.permissions import MANAGE_CHANNELS, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import channels as channels_selectors
from agents.selectors import rollouts as rollouts_selectors
from agents.services import channels
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest, refused


@routes.pages.get("channels/", name="channels")
def channel_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    context = {
        "rows": channels_selectors.channel_rows(),
        "can_manage": Abilities.of(request.user).manage_channels,
    }
    return render(request, "agents/channels/list.html", context)


@routes.pages.form("channels/new/", name="channel-new")
@routes.pages.form("channels/<str:public_id>/", name="channel")
def channel_edit(request: HtmxHttpRequest, public_id: str | None = None) -> HttpResponse:
    """Create (no id) or edit a channel: target picker, variants and weights."""
    require(request.user, VIEW_AGENT)
    channel = channels_selectors.channel(public_id) if public_id else None
    errors: dict[str, str] = {}
    at_text = request.GET.get("at", "").strip()
    at = None
    with refused() as refusal:
        at = moments.parse_moment(at_text, path="at") if at_text else None
    errors.update(refusal.errors)
    if request.method == "POST":
        require(request.user, MANAGE_CHANNELS)
        values = channels_forms.form_values(request.POST)
        saved = _save_channel(request, channel, values, errors)
        if saved is not None:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("agents:channel", saved.public_id)
    elif request.htmx and "agent" in request.GET:
        # The agent changed in the form: its targets are offered (nothing is saved).
        values = channels_forms.form_values(request.GET)
    elif channel is not None:
        values = channels_forms.initial_values(channel)
    else:
        require(request.user, MANAGE_CHANNELS)
        values = channels_forms.form_values({})
    agents = list(agents_selectors.active_agents())
    agent = next((a for a in agents if a.public_id == values.get("agent")), None)
    typed = [values["target"], *(row["target"] for row in values["rows"])]
    errors = channels_forms.placed_errors(errors, values["rows"])
    for index, row in enumerate(values["rows"]):
        row["target_error"] = errors.get(f"variant-{index}-target", "")
        row["weight_error"] = errors.get(f"variant-{index}-weight", "")
    context = {
        "channel": channel,
        "values": values,
        "errors": errors,
        "targets": channels_forms.target_choices(agent, typed),
        "kinds": Channel.Kind.choices,
        "agents": agents,
        "can_manage": Abilities.of(request.user).manage_channels,
        "serving": channels_selectors.channel_as_of(channel, timezone.now()) if channel else None,
        "at": at_text,
        "served": channels_selectors.channel_as_of(channel, at) if channel and at else None,
        "changes": channels_selectors.channel_history(channel) if channel else [],
        **(_rollouts(request, channel) if channel else {}),
    }
    return render(request, "agents/channels/form.html", context)


def _save_channel(request, channel, values, errors: dict[str, str]):
    """Create or update from the form; on bad input every problem lands in `errors`
    at once (an unknown agent does not hide a missing name) and None comes back."""
    agent = saved = None
    with refused() as refusal:
        agent = channels_selectors.routable_agent(values["agent"])
    errors.update(refusal.errors)
    with refused() as refusal:  # bad input, or a rollout in flight owns the routing
        changes = channels_forms.changes(values, agent)
        if errors:
            channels.clean_channel({**changes, "agent": None})
        elif channel is None:
            saved = channels.create_channel(user=request.user, **changes)
        else:
            saved = channels.update_channel(channel=channel, user=request.user, **changes)
    errors.update({k: v for k, v in refusal.errors.items() if k not in errors})
    return saved


def _rollouts(request: HtmxHttpRequest, channel) -> dict:
    """The channel's rollouts (the one in flight first) and its open alerts."""
    rollouts = list(rollouts_selectors.channel_rollouts(channel)[:10])
    return {
        "rollouts": rollouts,
        "rollout_in_flight": next((r for r in rollouts if r.status in Rollout.IN_FLIGHT), None),
        "channel_alerts": rollouts_selectors.open_alerts_of_channel(channel),
        "can_release": Abilities.of(request.user).release,
    }
