"""Releases in the console: the Release dialog (now or at a time), requests and their
reviews, label moves, and scheduled releases (the rules are the services'; these
only ask and show)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from agents.domain import moments
from agents.domain.diff import diff
from agents.domain.exceptions import ApprovalRequired
from agents.models import RELEASED, Agent
from agents.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT, Abilities, require
from agents.selectors import agents, compare, gate, prompts, versions
from agents.selectors import approvals as approvals_selectors
from agents.selectors import labels as labels_selectors
from agents.selectors import releases as releases_selectors
from agents.selectors import schedules as schedules_selectors
from agents.services import approvals, releases, schedules
from agents.services import labels as labels_services
from agents.views import events, routes
from agents.views.agents import agent_url
from agents.views.compare import diff_context
from agents.views.htmx import HtmxHttpRequest, dialog, done, refused


def _against_live(agent, version, label: str) -> dict[str, Any]:
    """The diff from what `label` points at now to `version` (nothing yet: none)."""
    current = labels_selectors.label_target(agent, label)
    if current is None:
        return {"current": None}
    return {
        "current": current,
        **diff_context(
            diff(current.config, version.config),
            f"{label} now ({current.label})",
            version.label,
        ),
    }


def _request_changed(request: HtmxHttpRequest, found, said: str) -> HttpResponse:
    """Back to the request's page, saying what happened (`said` names it with {})."""
    message = f"{said.format(found.title)} ({found.public_id})."
    url = reverse("agents:release-request", args=[found.public_id])
    return done(request, events.REQUEST_CHANGED, url, message)


@routes.agent_pages.form("versions/<int:number>/request/", name="request-release")
def request_release(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    """Ask for a release (or a label's move) that Releasers other than you approve."""
    require(request.user, EDIT_DRAFT, RELEASE)
    agent = agents.versioned_for_page(public_id)
    version = versions.get_version(agent, number)
    label = request.POST.get("label") or request.GET.get("label") or RELEASED
    labels = labels_selectors.labels_of(agent)
    if label not in {view.name for view in labels}:
        label = RELEASED
    context: dict[str, Any] = {
        "agent": agent,
        "version": version,
        "label": label,
        "labels": labels,
        "note": request.POST.get("note", ""),
        "errors": {},
        **_against_live(agent, version, label),
    }
    if request.method == "POST":
        with refused() as refusal:
            created = approvals.request_release(
                agent=agent, version=version, user=request.user, label=label, note=context["note"]
            )
        context["errors"] = refusal.errors
        if not refusal:
            return _request_changed(request, created, "Requested {}: waiting for approval")
    return dialog(request, "agents/releases/_request_dialog.html", context)


@routes.agent_pages.form("versions/<int:number>/label/", name="move-label")
def move_label(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    """Point a label (`staging`) at this version: the diff is against where it is now."""
    require(request.user, EDIT_DRAFT, RELEASE)
    agent = agents.versioned_for_page(public_id)
    version = versions.get_version(agent, number)
    name = (request.POST.get("name") or request.GET.get("name") or "").strip().lower()
    labels = [view for view in labels_selectors.labels_of(agent) if view.name != RELEASED]
    context: dict[str, Any] = {
        "agent": agent,
        "version": version,
        "name": name,
        "labels": labels,
        "protected": request.POST.get("protected") == "on",
        "note": request.POST.get("note", ""),
        "errors": {},
        "can": Abilities.of(request.user),
        "schedules": list(
            schedules_selectors.scheduled_releases(agent, pending_only=True).exclude(label=RELEASED)
        ),
        "followers": gate.label_followers(agent, name) if name else [],
        **(_against_live(agent, version, name) if name else {"current": None}),
    }
    if request.method == "POST":
        with refused() as refusal:
            labels_services.move_label(
                agent=agent,
                name=name,
                version=version,
                user=request.user,
                note=context["note"],
                protected=True if context["protected"] else None,
            )
        context["errors"] = refusal.errors
        context["needs_request"] = isinstance(refusal.exc, ApprovalRequired)
        if not refusal:
            message = f"{agent.name}: label {name} moved to {version.label}."
            return done(request, events.LABEL_MOVED, agent_url(agent), message)
    return dialog(request, "agents/releases/_label_dialog.html", context)


@routes.pages.get("requests/<str:request_id>/", name="release-request")
def release_request_page(request: HtmxHttpRequest, request_id: str) -> HttpResponse:
    """One request: what it changes against what is live, its reviews, its actions."""
    require(request.user, VIEW_AGENT)
    found = approvals_selectors.release_request(request_id)
    agent = agents.versioned_for_page(found.agent.public_id)
    can = Abilities.of(request.user)
    context = {
        "agent": agent,
        "rr": found,
        "reviews": list(found.reviews.select_related("user").order_by("at", "id")),
        "stale": found.status in ("open", "approved") and approvals_selectors.is_stale(found),
        "can": can,
        "mine": found.requested_by_id == request.user.pk,
        "need": max(gate.approvals_required(agent, found.label), 1),
        "schedules": list(
            schedules_selectors.scheduled_releases(agent, pending_only=True).filter(request=found)
        ),
        **_against_live(agent, found.version, found.label),
    }
    return render(request, "agents/releases/request.html", context)


@routes.pages.form("requests/<str:request_id>/<verdict:verdict>/", name="review-request")
def review_request(request: HtmxHttpRequest, request_id: str, verdict: str) -> HttpResponse:
    """Approve or reject (with a comment) — Releasers other than the requester."""
    require(request.user, RELEASE)
    found = approvals_selectors.release_request(request_id)
    approving = verdict == "approve"
    context: dict[str, Any] = {
        "rr": found,
        "approving": approving,
        "comment": request.POST.get("comment", ""),
        "errors": {},
    }
    if request.method == "POST":
        act = approvals.approve_request if approving else approvals.reject_request
        with refused() as refusal:
            act(request=found, user=request.user, comment=context["comment"])
        context["errors"] = refusal.errors
        if not refusal:
            return _request_changed(request, found, "Approved {}" if approving else "Rejected {}")
    return dialog(request, "agents/releases/_review_dialog.html", context)


@routes.pages.post("requests/<str:request_id>/<carry_out:action>/", name="act-on-request")
def act_on_request(request: HtmxHttpRequest, request_id: str, action: str) -> HttpResponse:
    """Release an approved request now or at a time, or cancel it."""
    found = approvals_selectors.release_request(request_id)
    page = reverse("agents:release-request", args=[found.public_id])
    with refused() as refusal:
        if action == "cancel":
            approvals.cancel_request(request=found, user=request.user)
            message = f"Cancelled the request {found.title} ({found.public_id})."
            event = events.REQUEST_CHANGED
        elif request.POST.get("at"):
            at = moments.parse_local_moment(
                request.POST["at"], request.POST.get("tz_offset", ""), path="at"
            )
            scheduled = approvals.schedule_request(request=found, user=request.user, at=at)
            message = f"Scheduled {found.title} for {scheduled.at:%Y-%m-%d %H:%M} UTC."
            event = events.SCHEDULE_CHANGED
        else:
            approvals.release_request(request=found, user=request.user)
            message, event = (
                f"Released {found.label} → {found.version.label}.",
                events.VERSION_RELEASED,
            )
    if refusal:
        messages.error(request, refusal.message)
        return redirect(page)
    return done(request, event, page, message)


@routes.pages.get("requests/", name="release-requests")
def release_requests(request: HtmxHttpRequest) -> HttpResponse:
    """Requests across agents; Releasers see the ones waiting for their review first."""
    require(request.user, VIEW_AGENT)
    can = Abilities.of(request.user)
    show = request.GET.get("show") or ("review" if can.release else "open")
    if show == "review":
        rows = approvals_selectors.release_requests(reviewer=request.user)
    elif show in ("open", "approved", "released", "rejected", "cancelled"):
        rows = approvals_selectors.release_requests(status=show)
    else:
        show, rows = "all", approvals_selectors.release_requests()
    context = {"rows": list(rows[:200]), "show": show, "can": can}
    return render(request, "agents/releases/requests.html", context)


@routes.pages.post("schedules/<str:schedule_id>/cancel/", name="cancel-schedule")
def cancel_schedule(request: HtmxHttpRequest, schedule_id: str) -> HttpResponse:
    found = schedules_selectors.scheduled_release(schedule_id)
    back = (
        reverse("agents:release-request", args=[found.request.public_id])
        if found.request
        else agent_url(found.agent)
    )
    with refused() as refusal:
        schedules.cancel_schedule(schedule=found, user=request.user)
    if refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    what = f"{found.agent.name}: {found.label} → {found.version.label}"
    return done(request, events.SCHEDULE_CHANGED, back, f"Cancelled the schedule of {what}.")


# ------------------------------------------------------------------ the Release dialog


def _release_context(request: HtmxHttpRequest, agent, version) -> dict[str, Any]:
    """What the Release dialog shows: the plan (gate, approvals, undo), the diff against
    what is live, and for a prompt the agents whose text would change."""
    plan = releases_selectors.release_plan(agent=agent, version=version)
    context: dict[str, Any] = {
        "agent": agent,
        "version": version,
        "plan": plan,
        "current": plan.current,
        "rollback": plan.rollback,
        "errors": {},
        "note": "",
        "gate_on": plan.gate_on,
        "gate": plan.findings,
        "gate_blocks": plan.blocked,
        "undo": plan.undo,
        "needs_approval": plan.needs_approval,
        "approvals_required": plan.approvals_required,
        "break_glass_allowed": request.user.is_superuser,
        "values": {"at": "", "when": "now", "break_glass": ""},
    }
    if agent.kind == Agent.Kind.PROMPT:
        context["affected"] = [
            (
                found,
                diff_context(
                    diff({"text": found.before or ""}, {"text": found.after or ""}),
                    "Now",
                    "After",
                ),
            )
            for found in prompts.impact(agent, version)
        ]
    if plan.current is not None:
        old_side = compare.compare_side(agent, "released")
        new_side = compare.compare_side(agent, str(version.number))
        context.update(
            diff_context(compare.config_diff(old_side, new_side), old_side.label, version.label)
        )
    return context


def _release_now_or_later(request: HtmxHttpRequest, agent, version, context) -> HttpResponse:
    """The dialog's answer: released (or scheduled) and a toast, or the form with why not."""
    post = request.POST
    context["note"] = note = post.get("note", "")
    values = context["values"] = {
        "when": "later" if post.get("when") == "later" else "now",
        "at": post.get("at", ""),
        "break_glass": post.get("break_glass", ""),
    }
    # One note: when the gate blocks, it is also the reason for releasing anyway.
    override = post.get("gate_override_note", "").strip() or (
        note.strip() if context["plan"].blocked else ""
    )
    with refused() as refusal:
        if values["when"] == "later":
            at = moments.parse_local_moment(values["at"], post.get("tz_offset", ""), path="at")
            scheduled = schedules.schedule_release(
                agent=agent,
                version=version,
                at=at,
                user=request.user,
                note=note,
                gate_override_note=override,
            )
            message = f"Scheduled {version.label} for {scheduled.at:%Y-%m-%d %H:%M} UTC."
        else:
            event = releases.release_version(
                version=version,
                user=request.user,
                note=note,
                gate_override_note=override or None,
                break_glass=values["break_glass"].strip() or None,
            )
    if refusal:
        context["errors"] = refusal.errors
        return dialog(request, "agents/releases/_release_dialog.html", context)
    if values["when"] == "later":
        return done(request, events.SCHEDULE_CHANGED, agent_url(agent), message)
    verb = "Rolled back to" if event and event.kind == "rollback" else "Released"
    message = f"{verb} {version.label}." if event else f"{version.label} was already released."
    return done(request, events.VERSION_RELEASED, agent_url(agent), message)


@routes.agent_pages.form("versions/<int:number>/release/", name="release")
def release(request: HtmxHttpRequest, public_id: str, number: int) -> HttpResponse:
    """The Release dialog (Releasers): now, or at a time; the gate and approvals say why
    not, and offer a request instead."""
    require(request.user, RELEASE)
    agent = agents.versioned_for_page(public_id)
    version = versions.get_version(agent, number)
    context = _release_context(request, agent, version)
    if request.method == "POST":
        return _release_now_or_later(request, agent, version, context)
    return dialog(request, "agents/releases/_release_dialog.html", context)
