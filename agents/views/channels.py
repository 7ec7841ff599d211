"""Channels: the list, and one form to create or edit (target picker, A/B variants)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agents import selectors, services
from agents.domain import moments
from agents.domain.exceptions import AgentConsoleError, InvalidInput
from agents.forms import channels as channel_form
from agents.models import Channel, Rollout
from agents.permissions import MANAGE_CHANNELS, VIEW_AGENT, Abilities, require
from agents.views.htmx import HtmxHttpRequest, errors_of


@require_http_methods(["GET"])
def channel_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    context = {
        "rows": selectors.channel_rows(),
        "can_manage": Abilities.of(request.user).manage_channels,
    }
    return render(request, "agents/channels/list.html", context)


@require_http_methods(["GET", "POST"])
def channel_edit(request: HtmxHttpRequest, public_id: str | None = None) -> HttpResponse:
    """Create (no id) or edit a channel: target picker, variants and weights."""
    require(request.user, VIEW_AGENT)
    channel = selectors.channel(public_id) if public_id else None
    errors: dict[str, str] = {}
    at_text = request.GET.get("at", "").strip()
    try:
        at = moments.parse_moment(at_text, path="at") if at_text else None
    except InvalidInput as exc:
        at, errors = None, errors_of(exc)
    if request.method == "POST":
        require(request.user, MANAGE_CHANNELS)
        values = channel_form.form_values(request.POST)
        saved = _save_channel(request, channel, values, errors)
        if saved is not None:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("agents:channel", saved.public_id)
    elif request.htmx and "agent" in request.GET:
        # The agent changed in the form: its targets are offered (nothing is saved).
        values = channel_form.form_values(request.GET)
    elif channel is not None:
        values = channel_form.initial_values(channel)
    else:
        require(request.user, MANAGE_CHANNELS)
        values = channel_form.form_values({})
    agents = list(selectors.active_agents())
    agent = next((a for a in agents if a.public_id == values.get("agent")), None)
    typed = [values["target"], *(row["target"] for row in values["rows"])]
    errors = channel_form.placed_errors(errors, values["rows"])
    for index, row in enumerate(values["rows"]):
        row["target_error"] = errors.get(f"variant-{index}-target", "")
        row["weight_error"] = errors.get(f"variant-{index}-weight", "")
    context = {
        "channel": channel,
        "values": values,
        "errors": errors,
        "targets": channel_form.target_choices(agent, typed),
        "kinds": Channel.Kind.choices,
        "agents": agents,
        "can_manage": Abilities.of(request.user).manage_channels,
        "serving": selectors.channel_as_of(channel, timezone.now()) if channel else None,
        "at": at_text,
        "served": selectors.channel_as_of(channel, at) if channel and at else None,
        "changes": selectors.channel_history(channel) if channel else [],
        **(_rollouts(request, channel) if channel else {}),
    }
    return render(request, "agents/channels/form.html", context)


def _save_channel(request, channel, values, errors: dict[str, str]):
    """Create or update from the form; on bad input every problem lands in `errors`
    at once (an unknown agent does not hide a missing name) and None comes back."""
    try:
        agent = selectors.routable_agent(values["agent"])
    except InvalidInput as exc:
        errors.update(errors_of(exc))
        agent = None
    try:
        changes = channel_form.changes(values, agent)
        if errors:
            services.clean_channel({**changes, "agent": None})
            return None
        if channel is None:
            return services.create_channel(user=request.user, **changes)
        return services.update_channel(channel=channel, user=request.user, **changes)
    except InvalidInput as exc:
        errors.update({k: v for k, v in errors_of(exc).items() if k not in errors})
        return None
    except AgentConsoleError as exc:  # a rollout in flight owns the routing
        errors[""] = exc.message
        return None


def _rollouts(request: HtmxHttpRequest, channel) -> dict:
    """The channel's rollouts (the one in flight first) and its open alerts."""
    rollouts = list(selectors.channel_rollouts(channel)[:10])
    return {
        "rollouts": rollouts,
        "rollout_in_flight": next((r for r in rollouts if r.status in Rollout.IN_FLIGHT), None),
        "channel_alerts": selectors.open_alerts_of_channel(channel),
        "can_release": Abilities.of(request.user).release,
    }
