"""Judges in the console: the Judges card on the Evals page, the dialog to create or
change one, and deleting one."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from agents.forms import judges as judges_forms
from agents.permissions import EDIT_DRAFT, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import judges as judges_selectors
from agents.services import judges as judges_services
from agents.views import events, routes
from agents.views.htmx import HtmxHttpRequest, dialog, done, refused


def card_context(request: HtmxHttpRequest, agent) -> dict:
    """What the Judges card shows: each judge with its scores per version."""
    judges = list(judges_selectors.judges_of(agent))
    scores = judges_selectors.recent_scores(judges)
    for judge in judges:
        judge.version_scores = scores[judge.pk]
    return {"agent": agent, "judges": judges, "can": Abilities.of(request.user)}


@routes.agent_pages.get("judges/", name="judges-card")
def judges_card(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The card alone, redrawn after a judge is saved or deleted."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    return render(request, "agents/judges/_card.html", card_context(request, agent))


def _judge_dialog(request: HtmxHttpRequest, agent, judge) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    values = judges_forms.initial_values(judge)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = judges_forms.values_from_post(request.POST)
        with refused() as refusal:
            fields = judges_forms.arguments(values)
            if judge is None:
                saved = judges_services.create_judge(agent=agent, user=request.user, **fields)
            else:
                saved = judges_services.update_judge(judge=judge, user=request.user, **fields)
        errors = judges_forms.field_errors(refusal.errors)
        if not refusal:
            return done(
                request,
                events.JUDGE_SAVED,
                reverse("agents:evals", args=[agent.public_id]),
                f"Saved judge “{saved.name}”.",
            )
    context = {
        "agent": agent,
        "judge": judge,
        "values": values,
        "errors": errors,
        "check_types": judges_forms.CHECK_CHOICES,
    }
    return dialog(request, "agents/judges/_judge_dialog.html", context)


@routes.agent_pages.form("judges/new/", name="judge-new")
def judge_new(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    return _judge_dialog(request, agents_selectors.agent_for_page(public_id), None)


@routes.agent_pages.form("judges/<str:judge_id>/", name="judge")
def judge_edit(request: HtmxHttpRequest, public_id: str, judge_id: str) -> HttpResponse:
    agent = agents_selectors.agent_for_page(public_id)
    return _judge_dialog(request, agent, judges_selectors.judge_of(agent, judge_id))


@routes.agent_pages.form("judges/<str:judge_id>/delete/", name="judge-delete")
def judge_delete(request: HtmxHttpRequest, public_id: str, judge_id: str) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    judge = judges_selectors.judge_of(agent, judge_id)
    if request.method == "GET":
        return dialog(
            request,
            "agents/shared/_confirm_dialog.html",
            {
                "title": f"Delete judge “{judge.name}”?",
                "message": "It stops judging; the scores it gave stay on their conversations.",
                "action": request.path,
                "confirm_label": "Delete judge",
                "htmx": True,
            },
        )
    judges_services.delete_judge(judge=judge, user=request.user)
    return done(
        request,
        events.JUDGE_SAVED,
        reverse("agents:evals", args=[public_id]),
        f"Deleted judge “{judge.name}”.",
    )
