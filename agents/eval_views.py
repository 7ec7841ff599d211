"""Console views for trying configurations before release: the playground and eval suites.

Same shape as agents/views.py: fetch, form, service, response; htmx requests
get the named partial, everything else a full page or a redirect.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods

from agents import evals, selectors, services
from agents.exceptions import AgentConsoleError, InvalidInput
from agents.models import Conversation, EvalCase, EvalRun, EvalSuite
from agents.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT, Abilities, require
from agents.runtime import UnknownReference
from agents.views import HtmxHttpRequest, _dialog, _done, _errors


def _reason(exc: Exception) -> str:
    """What to tell the operator: a domain error's message, or an unknown version's."""
    return exc.message if isinstance(exc, AgentConsoleError) else str(exc)


# ------------------------------------------------------------------ playground


def _session_context(conversation: Conversation) -> dict[str, Any]:
    turns = list(conversation.turns.order_by("position"))
    replies = [t for t in turns if t.latency_ms is not None]
    config = conversation.config
    return {
        "session": conversation,
        "turns": turns,
        "tools": config.get("tools", []),
        "model": config.get("llm", {}).get("model", ""),
        "totals": {
            "prompt_tokens": sum(t.prompt_tokens or 0 for t in replies),
            "completion_tokens": sum(t.completion_tokens or 0 for t in replies),
            "mean_latency_ms": sum(t.latency_ms for t in replies) / len(replies)
            if replies
            else None,
        },
    }


def _playground(request: HtmxHttpRequest, agent, context: dict[str, Any]) -> HttpResponse:
    context = {
        "agent": agent,
        "can": Abilities.of(request.user),
        "targets": selectors.run_targets(agent),
        "errors": {},
        "session": None,
        "message": "",
        **context,
    }
    if request.htmx:
        return render(request, "agents/_playground.html", context)
    return render(request, "agents/playground.html", context)


@require_http_methods(["GET", "POST"])
def playground(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """GET: the playground (pick what to talk to). POST: start a session with it."""
    agent = selectors.agent_for_page(public_id)
    if request.method == "GET":
        require(request.user, VIEW_AGENT)
        return _playground(request, agent, {})
    require(request.user, EDIT_DRAFT)
    target = request.POST.get("target", "draft")
    try:
        conversation = services.start_playground(agent=agent, target=target, user=request.user)
    except (AgentConsoleError, UnknownReference) as exc:
        return _playground(request, agent, {"errors": {"": _reason(exc)}, "target": target})
    if not request.htmx:
        return redirect("agents:playground-session", public_id, conversation.public_id)
    return _playground(request, agent, {**_session_context(conversation), "target": target})


@require_http_methods(["GET", "POST"])
def playground_session(request: HtmxHttpRequest, public_id: str, conversation_id: str):
    """GET: a session's transcript. POST: send the operator's message, show the reply."""
    agent = selectors.agent_for_page(public_id)
    conversation = get_object_or_404(
        Conversation.objects.select_related("version", "snapshot"),
        agent=agent,
        public_id=conversation_id,
        playground=True,
    )
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    extra: dict[str, Any] = {"target": conversation.bound_version}
    if request.method == "POST":
        text = request.POST.get("message", "")
        try:
            services.send_playground_message(
                conversation=conversation, text=text, user=request.user
            )
        except AgentConsoleError as exc:
            extra.update(errors={"": exc.message}, message=text)
    return _playground(request, agent, {**_session_context(conversation), **extra})


# ------------------------------------------------------------------ suites


def _suite(agent, suite_id: str) -> EvalSuite:
    return get_object_or_404(EvalSuite, agent=agent, public_id=suite_id)


def suite_url(suite: EvalSuite) -> str:
    return reverse("agents:eval-suite", args=[suite.agent.public_id, suite.public_id])


@require_http_methods(["GET", "POST"])
def eval_suites(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """The agent's suites with their latest runs; POST creates a suite."""
    agent = selectors.agent_for_page(public_id)
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    values = {"name": "", "description": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            suite = services.create_eval_suite(agent=agent, user=request.user, **values)
        except InvalidInput as exc:
            errors = _errors(exc)
        else:
            return redirect(suite_url(suite))
    context = {
        "agent": agent,
        "can": Abilities.of(request.user),
        "suites": selectors.eval_suites(agent),
        "values": values,
        "errors": errors,
    }
    return render(request, "agents/eval_suites.html", context)


@require_http_methods(["POST"])
def release_gate(request: HtmxHttpRequest, public_id: str) -> HttpResponse:
    """Turn "Require a passing eval run before release" on or off (Releasers)."""
    require(request.user, RELEASE)
    agent = selectors.agent_for_page(public_id)
    wanted = request.POST.get("require_passing_eval") == "on"
    services.update_agent(agent=agent, user=request.user, require_passing_eval=wanted)
    state = "on" if wanted else "off"
    return _done(
        request,
        "agentUpdated",
        reverse("agents:evals", args=[public_id]),
        f"Release gate {state}: releases "
        + ("need a passing eval run." if wanted else "no longer need a passing eval run."),
    )


def _suite_context(request: HtmxHttpRequest, agent, suite: EvalSuite) -> dict[str, Any]:
    """Everything the suite page shows. Cases and targets are read only if rendered,
    so the runs panel, polled every second during a run, reads just the runs."""
    runs = selectors.eval_runs(suite)
    return {
        "agent": agent,
        "suite": suite,
        "can": Abilities.of(request.user),
        "cases": suite.cases.order_by("id"),
        "runs": runs,
        "active": any(not run.finished for run in runs),
        "targets": SimpleLazyObject(lambda: selectors.run_targets(agent)),
        "errors": {},
        "values": {"name": suite.name, "description": suite.description},
    }


@require_http_methods(["GET", "POST"])
def eval_suite(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    """A suite: its cases, a Run button and its runs. POST edits its name/description."""
    agent = selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    require(request.user, VIEW_AGENT if request.method == "GET" else EDIT_DRAFT)
    context = _suite_context(request, agent, suite)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("name", "description")}
        try:
            services.update_eval_suite(suite=suite, user=request.user, **values)
        except InvalidInput as exc:
            context.update(errors=_errors(exc), values=values)
        else:
            return redirect(suite_url(suite))
    return render(request, "agents/eval_suite.html", context)


def _suite_panel(partial: str):
    """A view rendering one named partial of the suite page (panels refresh this way;
    the runs panel polls itself while a run is queued or running)."""

    @require_http_methods(["GET"])
    def view(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
        require(request.user, VIEW_AGENT)
        agent = selectors.agent_for_page(public_id)
        suite = _suite(agent, suite_id)
        if not request.htmx:
            return redirect(suite_url(suite))
        context = _suite_context(request, agent, suite)
        return render(request, f"agents/eval_suite.html#{partial}", context)

    view.__name__ = partial.replace("-", "_")
    return view


eval_runs_panel = _suite_panel("runs-panel")
cases_panel = _suite_panel("cases-panel")


@require_http_methods(["POST"])
def start_run(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    require(request.user, EDIT_DRAFT)
    agent = selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    target = request.POST.get("target", "draft")
    try:
        run = services.start_eval_run(suite=suite, target=target, user=request.user)
    except (AgentConsoleError, UnknownReference) as exc:
        context = _suite_context(request, agent, suite)
        context["run_error"] = _reason(exc)
        template = "agents/eval_suite.html#runs-panel" if request.htmx else "agents/eval_suite.html"
        return render(request, template, context)
    if request.htmx:
        return render(
            request, "agents/eval_suite.html#runs-panel", _suite_context(request, agent, suite)
        )
    return redirect("agents:eval-run", public_id, run.public_id)


# ------------------------------------------------------------------ cases


def _case_dialog(request, agent, suite, case: EvalCase | None) -> HttpResponse:
    """Add (case None) or edit a case: messages one per line, checks as form fields."""
    require(request.user, EDIT_DRAFT)
    if case is not None:
        values = {
            "name": case.name,
            "messages": evals.messages_to_text(case.messages),
            **evals.checks_to_form(case.checks),
        }
    else:
        values = {"name": "", "messages": "", **evals.checks_to_form([])}
    errors: dict[str, str] = {}
    if request.method == "POST":
        fields = ("name", "messages", "contains", "not_contains", "regex", "latency_ms")
        values = {k: request.POST.get(k, "") for k in fields}
        values["output_schema"] = request.POST.get("output_schema") == "on"
        checks = evals.checks_from_form(values)
        data = {
            "name": values["name"],
            "messages": evals.messages_from_text(values["messages"]),
            "checks": checks,
        }
        try:
            if case is None:
                services.add_eval_case(suite=suite, user=request.user, **data)
            else:
                services.update_eval_case(case=case, user=request.user, **data)
        except InvalidInput as exc:
            errors = _case_errors(exc, checks)
        else:
            return _done(request, "caseSaved", suite_url(suite), f"Saved case “{data['name']}”.")
    return _dialog(
        request,
        "agents/_case_dialog.html",
        {"agent": agent, "suite": suite, "case": case, "values": values, "errors": errors},
    )


def _case_errors(exc: InvalidInput, checks: list[dict[str, Any]]) -> dict[str, str]:
    """Problems keyed by the form field they belong to (a check's path names its type)."""
    found: dict[str, str] = {}
    for problem in exc.errors:
        path = problem["path"]
        field = path.split("[")[0].split(".")[0]
        if field == "checks" and "[" in path:
            index = int(path.split("[")[1].split("]")[0])
            field = checks[index]["type"] if index < len(checks) else "checks"
        found.setdefault(field, problem["message"])
    return found


@require_http_methods(["GET", "POST"])
def case_new(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    agent = selectors.agent_for_page(public_id)
    return _case_dialog(request, agent, _suite(agent, suite_id), None)


@require_http_methods(["GET", "POST"])
def case_edit(request: HtmxHttpRequest, public_id: str, suite_id: str, case_id: str):
    agent = selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    case = get_object_or_404(
        EvalCase.objects.select_related("suite"), suite=suite, public_id=case_id
    )
    return _case_dialog(request, agent, suite, case)


@require_http_methods(["POST"])
def case_delete(request: HtmxHttpRequest, public_id: str, suite_id: str, case_id: str):
    require(request.user, EDIT_DRAFT)
    agent = selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    case = get_object_or_404(
        EvalCase.objects.select_related("suite"), suite=suite, public_id=case_id
    )
    services.delete_eval_case(case=case, user=request.user)
    return _done(request, "caseSaved", suite_url(suite), f"Deleted case “{case.name}”.")


# ------------------------------------------------------------------ runs and comparison


@require_http_methods(["GET"])
def eval_run(request: HtmxHttpRequest, public_id: str, run_id: str) -> HttpResponse:
    """A run's progress (polled while it runs) and its results, case by case."""
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    run = get_object_or_404(
        EvalRun.objects.select_related("suite", "created_by").defer("cases"),
        agent=agent,
        public_id=run_id,
    )
    results = list(run.results.order_by("position"))
    totals = {
        "prompt": sum(r.prompt_tokens or 0 for r in results),
        "completion": sum(r.completion_tokens or 0 for r in results),
    }
    context = {"agent": agent, "run": run, "results": results, "totals": totals}
    if request.htmx:
        return render(request, "agents/eval_run.html#run-panel", context)
    return render(request, "agents/eval_run.html", context)


@require_http_methods(["GET"])
def eval_compare(request: HtmxHttpRequest, public_id: str, suite_id: str) -> HttpResponse:
    """The latest runs on two configurations side by side; regressions highlighted."""
    require(request.user, VIEW_AGENT)
    agent = selectors.agent_for_page(public_id)
    suite = _suite(agent, suite_id)
    default_from = "released" if agent.released_version_id else "draft"
    a = request.GET.get("from") or default_from
    b = request.GET.get("to") or "draft"
    side_a, side_b = selectors.compare_side(agent, a), selectors.compare_side(agent, b)
    run_a = selectors.latest_run_on(suite, side_a)
    run_b = selectors.latest_run_on(suite, side_b)
    rows = selectors.compare_runs(run_a, run_b)
    context = {
        "agent": agent,
        "suite": suite,
        "targets": [("released", "Released"), *selectors.run_targets(agent)],
        "a": side_a,
        "b": side_b,
        "run_a": run_a,
        "run_b": run_b,
        "rows": rows,
        "regressions": sum(row.regression for row in rows),
        "fixed": sum(row.fixed for row in rows),
    }
    template = "agents/eval_compare.html#comparison" if request.htmx else "agents/eval_compare.html"
    return render(request, template, context)
