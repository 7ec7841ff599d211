"""Eval suites: the suites page, one suite with its cases and runs, the case dialog,
a run's progress, comparing runs, and the release gate setting."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from agents.forms import cases
from agents.models import EvalCase, EvalSuite
from agents.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT, Abilities, require
from agents.selectors import agents as agents_selectors
from agents.selectors import compare
from agents.selectors import evals as evals_selectors
from agents.services import agents, evals
from agents.views import events, judges, routes
from agents.views.htmx import HtmxHttpRequest, dialog, done, fragment_or_page, panel_views, refused


def _suite(agent, suite_id: str) -> EvalSuite:
    return evals_selectors.suite(suite_id, agent=agent)


def suite_url(suite: EvalSuite) -> str:
    return reverse("agents:eval-suite", args=[suite.agent.public_id, suite.public_id])


@routes.agent_pages.form("evals/", name="evals")
def eval_suites(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The agent's suites with their latest runs; POST creates a suite."""
    agent = agents_selectors.agent_for_page(public_id)
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    values = {"name": "", "description": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        with refused() as refusal:
            suite = evals.create_eval_suite(agent=agent, user=request.user, **values)
        errors = refusal.errors
        if not refusal:
            return redirect(suite_url(suite))
    context = {
        **judges.card_context(request, agent),
        "suites": evals_selectors.eval_suites(agent),
        "values": values,
        "errors": errors,
    }
    return render(request, "agents/evals/suites.html", context)


@routes.agent_pages.post("evals/gate/", name="release-gate")
def release_gate(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Turn "Require a passing eval run before release" on or off (Releasers)."""
    require(request.user, RELEASE)
    agent = agents_selectors.agent_for_page(public_id)
    wanted = request.POST.get("require_passing_eval") == "on"
    agents.update_agent(agent=agent, user=request.user, require_passing_eval=wanted)
    state = "on" if wanted else "off"
    return done(
        request,
        events.AGENT_UPDATED,
        reverse("agents:evals", args=[public_id]),
        f"Release gate {state}: releases "
        + ("need a passing eval run." if wanted else "no longer need a passing eval run."),
    )


def _suite_context(request: HtmxHttpRequest, agent, suite: EvalSuite) -> dict[str, Any]:
    """Everything the suite page shows. Cases and targets are read only if rendered,
    so the runs panel, polled every second during a run, reads just the runs."""
    runs = evals_selectors.eval_runs(suite)
    return {
        "agent": agent,
        "suite": suite,
        "can": Abilities.of(request.user),
        "cases": suite.cases.order_by("id"),
        "runs": runs,
        "active": any(not run.finished and not run.stalled for run in runs),
        "targets": SimpleLazyObject(lambda: evals_selectors.run_targets(agent)),
        "errors": {},
        "values": {"name": suite.name, "description": suite.description},
    }


@routes.agent_pages.form("evals/<str:suite_id>/", name="eval-suite")
def eval_suite(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    """A suite: its cases, a Run button and its runs. POST edits its name/description."""
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    context = _suite_context(request, agent, suite)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("name", "description")}
        with refused() as refusal:
            evals.update_eval_suite(suite=suite, user=request.user, **values)
        if refusal:
            context.update(errors=refusal.errors, values=values)
        else:
            return redirect(suite_url(suite))
    return render(request, "agents/evals/suite.html", context)


def _suite_panel_context(request: HtmxHttpRequest, partial: str, public_id: str, suite_id: str):
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    context = _suite_context(request, agent, suite) if request.htmx else {}
    return suite, suite_url(suite), context


# The runs panel polls itself while a run is queued or running.
_suite_panel = panel_views("agents/evals/suite.html", _suite_panel_context)
eval_runs_panel = routes.agent_pages("evals/<str:suite_id>/runs/panel/", name="eval-runs-panel")(
    _suite_panel("runs-panel")
)
cases_panel = routes.agent_pages("evals/<str:suite_id>/cases/", name="eval-cases-panel")(
    _suite_panel("cases-panel")
)


@routes.agent_pages.post("evals/<str:suite_id>/runs/", name="eval-start-run")
def start_run(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    target = request.POST.get("target", "draft")
    with refused() as refusal:
        run = evals.start_eval_run(suite=suite, target=target, user=request.user)
    if refusal:
        context = _suite_context(request, agent, suite)
        context["run_error"] = refusal.message
        return fragment_or_page(request, "agents/evals/suite.html", "runs-panel", context)
    if request.htmx:
        return render(
            request, "agents/evals/suite.html#runs-panel", _suite_context(request, agent, suite)
        )
    return redirect("agents:eval-run", public_id, run.public_id)


# ------------------------------------------------------------------ cases


def _case_dialog(request, agent, suite, case: EvalCase | None) -> HttpResponse:
    """Add (case None) or edit a case: messages one per line, checks as form fields."""
    require(request.user, EDIT_DRAFT)
    values = cases.initial_values(case)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = cases.values_from_post(request.POST)
        checks = cases.checks_from_form(values)
        data = {
            "name": values["name"],
            "messages": cases.messages_from_text(values["messages"]),
            "checks": checks,
        }
        with refused() as refusal:
            if case is None:
                evals.add_eval_case(suite=suite, user=request.user, **data)
            else:
                evals.update_eval_case(case=case, user=request.user, **data)
        if refusal:
            errors = cases.errors_by_field(refusal.exc, checks)
        else:
            return done(
                request, events.CASE_SAVED, suite_url(suite), f"Saved case “{data['name']}”."
            )
    return dialog(
        request,
        "agents/evals/_case_dialog.html",
        {"agent": agent, "suite": suite, "case": case, "values": values, "errors": errors},
    )


@routes.agent_pages.form("evals/<str:suite_id>/cases/new/", name="eval-case-new")
def case_new(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    agent = agents_selectors.agent_for_page(public_id)
    return _case_dialog(request, agent, _suite(agent, suite_id), None)


@routes.agent_pages.form("evals/<str:suite_id>/cases/<str:case_id>/", name="eval-case")
def case_edit(request: HtmxHttpRequest, public_id: str, suite_id: str, case_id: str):
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    case = evals_selectors.case(suite, case_id)
    return _case_dialog(request, agent, suite, case)


@routes.agent_pages.form(
    "evals/<str:suite_id>/cases/<str:case_id>/delete/", name="eval-case-delete"
)
def case_delete(request: HtmxHttpRequest, public_id: str, suite_id: str, case_id: str):
    require(request.user, EDIT_DRAFT)
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    case = evals_selectors.case(suite, case_id)
    if request.method == "GET":
        return dialog(
            request,
            "agents/shared/_confirm_dialog.html",
            {
                "title": f"Delete case “{case.name}”?",
                "message": "Past runs keep its results; the suite stops running it.",
                "action": request.path,
                "confirm_label": "Delete case",
                "htmx": True,
            },
        )
    evals.delete_eval_case(case=case, user=request.user)
    return done(request, events.CASE_SAVED, suite_url(suite), f"Deleted case “{case.name}”.")


# ------------------------------------------------------------------ runs and comparison


@routes.agent_pages.get("evals/runs/<str:run_id>/", name="eval-run")
def eval_run(request: HtmxHttpRequest, public_id: str, run_id: str) -> HttpResponse:
    """A run's progress (polled while it runs) and its results, case by case."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    run = evals_selectors.run(run_id, agent=agent)
    results = evals_selectors.run_results(run)
    totals = {
        "prompt": sum(r.prompt_tokens or 0 for r in results),
        "completion": sum(r.completion_tokens or 0 for r in results),
    }
    context = {"agent": agent, "run": run, "results": results, "totals": totals}
    return fragment_or_page(request, "agents/evals/run.html", "run-panel", context)


@routes.agent_pages.get("evals/<str:suite_id>/compare/", name="eval-compare")
def eval_compare(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    """The latest runs on two configurations side by side; regressions highlighted."""
    require(request.user, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    default_from = "released" if agent.released_version_id else "draft"
    a = request.GET.get("from") or default_from
    b = request.GET.get("to") or "draft"
    side_a, side_b = compare.compare_side(agent, a), compare.compare_side(agent, b)
    run_a = evals_selectors.latest_run_on(suite, side_a)
    run_b = evals_selectors.latest_run_on(suite, side_b)
    rows = evals_selectors.compare_runs(run_a, run_b)
    context = {
        "agent": agent,
        "suite": suite,
        "targets": [("released", "Released"), *evals_selectors.run_targets(agent)],
        "a": side_a,
        "b": side_b,
        "run_a": run_a,
        "run_b": run_b,
        "rows": rows,
        "regressions": sum(row.regression for row in rows),
        "fixed": sum(row.fixed for row in rows),
    }
    return fragment_or_page(request, "agents/evals/compare.html", "comparison", context)
