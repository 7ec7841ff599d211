"""Rollouts in the console: start one on a channel, watch it (polled only while it
runs), steer it with confirmations; and the alerts regressions raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from agents.domain import references
from agents.domain.exceptions import InvalidInput
from agents.forms import rollouts as rollouts_forms
from agents.models import Rollout
from agents.permissions import RELEASE, VIEW_AGENT, Abilities, require
from agents.selectors import alerts as alerts_selectors
from agents.selectors import channels, labels, versions
from agents.selectors import rollouts as rollouts_selectors
from agents.services import alerts, rollouts
from agents.views import events, routes
from agents.views.htmx import HtmxHttpRequest, dialog, done, refused

PAGE = "agents/rollouts/rollout.html"
Status = Rollout.Status


@routes.pages.form("channels/<str:public_id>/rollouts/new/", name="start-rollout")
def start_rollout(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The start dialog on a channel: candidate, steps and guard, with the defaults."""
    require(request.user, RELEASE)
    channel = channels.channel(public_id)
    values = rollouts_forms.form_values(request.POST if request.method == "POST" else {})
    errors: dict[str, str] = {}
    if request.method == "POST":
        with refused() as refusal:
            rollout = _start(request, channel, values)
        errors = refusal.errors
        if not refusal:
            url = reverse("agents:rollout", args=[rollout.public_id])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {
        "channel": channel,
        "values": values,
        "errors": errors,
        "versions": versions.version_list(channel.agent),
        "labels": [view for view in labels.labels_of(channel.agent) if view.name != "released"],
        "metrics": rollouts_forms.METRIC_CHOICES,
        "serving": channels.channel_as_of(channel, timezone.now()),
    }
    return dialog(request, "agents/rollouts/_start_dialog.html", context)


def _start(request: HtmxHttpRequest, channel, values: dict[str, str]) -> Rollout:
    """Every problem of the form at once, then the service's own checks."""
    problems: list[dict[str, str]] = []
    candidate = None
    # `v3`, or `@staging` for a label: the version it points at now
    chosen = references.try_parse(values["candidate"].removeprefix("@"))
    if chosen is not None and chosen.kind in ("label", "released"):
        candidate = labels.label_target(channel.agent, chosen.label)
    elif chosen is not None and chosen.kind == "version":
        candidate = channel.agent.versions.filter(number=chosen.number).first()
    if candidate is None:
        problems.append({"path": "candidate", "message": "choose a version of the agent"})
    try:
        arguments = rollouts_forms.start_arguments(values)
    except InvalidInput as exc:
        problems += exc.errors
    if problems:
        raise InvalidInput(problems)
    return rollouts.start_rollout(
        channel=channel, candidate=candidate, user=request.user, **arguments
    )


@dataclass(frozen=True)
class ArmBar:
    label: str
    css: str
    y: int
    width: float
    low_x: float
    high_x: float
    value: str
    detail: str


CHART_LEFT, CHART_WIDTH, ROW = 180, 400, 46


def _chart(progress: rollouts_selectors.Progress, metric: str) -> dict[str, Any]:
    """Both arms' rates as horizontal bars with their 95% intervals, and the line the
    candidate must not cross (the baseline's rate less the allowed drop)."""
    bars = []
    for i, view in enumerate(progress.arms):
        rate = view.arm.rate
        bars.append(
            ArmBar(
                label=f"{view.side.capitalize()} · {view.label}",
                css="bar-a" if view.side == "baseline" else "bar-b",
                y=20 + i * ROW,
                width=CHART_WIDTH * (rate or 0),
                low_x=CHART_LEFT + CHART_WIDTH * view.low,
                high_x=CHART_LEFT + CHART_WIDTH * view.high,
                value="—" if rate is None else f"{rate:.1%}",
                detail=f"{view.arm.hits} of {view.arm.total}",
            )
        )
    threshold = progress.threshold
    return {
        "bars": bars,
        "left": CHART_LEFT,
        "right": CHART_LEFT + CHART_WIDTH,
        "width": CHART_LEFT + CHART_WIDTH + 150,
        "height": 20 + 2 * ROW + 24,
        "axis_y": 20 + 2 * ROW,
        "ticks": [
            {"x": CHART_LEFT + CHART_WIDTH * t / 100, "label": f"{t}%"}
            for t in (0, 25, 50, 75, 100)
        ],
        "threshold_x": None if threshold is None else CHART_LEFT + CHART_WIDTH * threshold,
        "threshold": None if threshold is None else f"{threshold:.1%}",
        "metric": metric.replace("_", " "),
    }


def _context(request: HtmxHttpRequest, rollout: Rollout) -> dict[str, Any]:
    progress = rollouts_selectors.progress(rollout, now=timezone.now())
    steps = rollout.steps
    return {
        "rollout": rollout,
        "agent": rollout.channel.agent,
        "progress": progress,
        "chart": _chart(progress, rollout.metric),
        "timeline": rollouts_selectors.events_of(rollout),
        "can": Abilities.of(request.user),
        "next_weight": steps[rollout.step + 1] if rollout.step + 1 < len(steps) else None,
        "baseline_label": progress.arms[0].label,
        "shown": f"{rollout.status}:{rollout.step}",
        "polling": rollout.status == Status.RUNNING,
        "in_flight": rollout.status in Rollout.IN_FLIGHT,
        "baseline_weight": 100 - rollout.weight,
    }


@routes.pages.get("rollouts/<str:rollout_id>/", name="rollout")
def rollout_page(request: HtmxHttpRequest, rollout_id: str) -> HttpResponse:
    require(request.user, VIEW_AGENT)
    rollout = rollouts_selectors.rollout(rollout_id)
    return render(request, PAGE, _context(request, rollout))


@routes.pages.get("rollouts/<str:rollout_id>/card/", name="rollout-card")
def rollout_card(request: HtmxHttpRequest, rollout_id: str) -> HttpResponse:
    """The whole card (status, actions, live part): after someone or the rule acted."""
    require(request.user, VIEW_AGENT)
    rollout = rollouts_selectors.rollout(rollout_id)
    if not request.htmx:
        return redirect("agents:rollout", rollout.public_id)
    return render(request, f"{PAGE}#rollout-card", _context(request, rollout))


@routes.pages.get("rollouts/<str:rollout_id>/live/", name="rollout-live")
def rollout_live(request: HtmxHttpRequest, rollout_id: str) -> HttpResponse:
    """What polling fetches while a rollout runs: the step, weights, both arms and the
    timeline. When the rule moved it since the page drew it (`shown`), the response
    also tells the page to redraw the card, whose actions depend on the state."""
    require(request.user, VIEW_AGENT)
    rollout = rollouts_selectors.rollout(rollout_id)
    if not request.htmx:
        return redirect("agents:rollout", rollout.public_id)
    context = _context(request, rollout)
    response = render(request, f"{PAGE}#rollout-live", context)
    if request.GET.get("shown") != context["shown"]:
        message = f"Rollout of {rollout.title} is {rollout.get_status_display().lower()}"
        trigger_client_event(response, events.ROLLOUT_CHANGED, {"message": message})
    return response


STEERING = {
    "pause": rollouts.pause_rollout,
    "resume": rollouts.resume_rollout,
    "advance": rollouts.advance_rollout,
    "abort": rollouts.abort_rollout,
}


@routes.pages.form("rollouts/<str:rollout_id>/<steer:action>/", name="steer-rollout")
def steer_rollout(request: HtmxHttpRequest, rollout_id: str, action: str) -> HttpResponse:
    """Pause / Resume / Advance / Abort: a confirmation first, then the service."""
    require(request.user, RELEASE)
    rollout = rollouts_selectors.rollout(rollout_id)
    context = _context(request, rollout)
    context.update(action=action, reason=request.POST.get("reason", "").strip(), errors={})
    if request.method == "POST":
        extra = {"reason": context["reason"]} if action == "abort" else {}
        with refused() as refusal:
            after = STEERING[action](rollout=rollout, user=request.user, **extra)
        context["errors"] = refusal.errors
        if not refusal:
            url = reverse("agents:rollout", args=[rollout.public_id])
            message = (
                f"Rollout of {after.title}: {after.get_status_display().lower()}, {after.weight}%."
            )
            return done(request, events.ROLLOUT_CHANGED, url, message)
    return dialog(request, "agents/rollouts/_steer_dialog.html", context)


@routes.pages.get("alerts/", name="alerts")
def alert_list(request: HtmxHttpRequest) -> HttpResponse:
    """Every alert (open ones by default), newest first; `agent` narrows to one."""
    require(request.user, VIEW_AGENT)
    show = "all" if request.GET.get("show") == "all" else "open"
    agent = request.GET.get("agent", "").strip()[:40]
    rows = alerts_selectors.alerts(agent=agent or None, open_only=show == "open")[:100]
    context = {
        "alerts": list(rows),
        "show": show,
        "agent": agent,
        "can": Abilities.of(request.user),
    }
    template = "agents/rollouts/alerts.html"
    return render(request, f"{template}#alert-list" if request.htmx else template, context)


@routes.pages.post("alerts/<str:alert_id>/ack/", name="ack-alert")
def ack_alert(request: HtmxHttpRequest, alert_id: str) -> HttpResponse:
    require(request.user, RELEASE)
    alert = alerts_selectors.alert(alert_id)
    with refused() as refusal:
        alerts.ack_alert(alert=alert, user=request.user)
    message = (
        f"{alert.title} ({alert.public_id}): {refusal.message}"
        if refusal
        else f"Acknowledged {alert.title} ({alert.public_id})."
    )
    return done(request, events.ALERT_ACKED, reverse("agents:alerts"), message)


@routes.pages.get("alerts/badge/", name="alert-badge")
def alert_badge(request: HtmxHttpRequest) -> HttpResponse:
    """The top bar's count of open alerts (redrawn when one is acknowledged)."""
    require(request.user, VIEW_AGENT)
    context = {"alert_count": alerts_selectors.open_alert_count()}
    return render(request, "agents/rollouts/_alert_badge.html", context)


def open_alerts(request) -> dict[str, Any]:
    """Context processor: `open_alert_count` for the top bar, counted only if shown."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"open_alert_count": alerts_selectors.open_alert_count}
