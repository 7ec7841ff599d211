"""The eval API: suites and their cases, runs and their results, comparisons.

Same auth, errors and pagination as the rest of `/api/v1`.
Reading needs the Viewer role; writing suites and starting runs, the Editor's
`edit_draft` permission.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Schema, Status
from pydantic import ConfigDict

from agents.api.common import Router, page, require
from agents.api.idempotency import idempotent
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut, Name, Paging
from agents.api.shapes import username
from agents.domain.checks import CheckType, Role
from agents.domain.fields import attributes
from agents.domain.json_input import WholeInt
from agents.models import EvalCase, EvalResult, EvalRun, EvalSuite
from agents.permissions import EDIT_DRAFT, VIEW_AGENT
from agents.selectors import agents
from agents.selectors import compare as compare_selectors
from agents.selectors import evals as evals_selectors
from agents.services import evals

# ------------------------------------------------------------------ schemas


class MessageIO(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    role: Role = "user"
    content: str


class CheckIO(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    type: CheckType
    value: str | float | None = Field(
        None,
        description="The phrase (contains, not_contains), the pattern (regex), the bound "
        "in milliseconds (latency_ms); none for output_schema.",
    )


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Name
    messages: list[MessageIO] = Field(..., description="The input; the last one is the user's.")
    checks: list[CheckIO] = []


class CasePatch(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = Field(None, min_length=1, max_length=200)
    messages: list[MessageIO] | None = None
    checks: list[CheckIO] | None = None


class CaseOut(Schema):
    id: str
    name: str
    messages: list[MessageIO]
    checks: list[CheckIO]
    updated_at: datetime


class RunSummary(Schema):
    id: str
    suite: str
    target: str = Field(description="`draft`, `draft:NAME` or `v3`: what the run tested.")
    version: int | None
    content_hash: str
    status: Literal["queued", "running", "passed", "failed", "error"]
    cases: int
    done: int
    passed: int
    failed: int
    error: str
    provider: str
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class SuiteIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Name
    description: str = ""
    cases: list[CaseIn] = []


class SuitePatch(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None


class SuiteOut(Schema):
    id: str
    agent: str
    name: str
    description: str
    revision: int
    case_count: int
    latest_run: RunSummary | None
    created_at: datetime
    updated_at: datetime


class SuiteDetail(SuiteOut):
    cases: list[CaseOut]


class SuiteList(Schema):
    data: list[SuiteOut]
    next: str | None


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)
    target: WholeInt | str = Field(
        "draft",
        description="`draft`, a branch's `draft:NAME`, `released`, a version number or `v3`.",
    )


class CheckResultOut(Schema):
    type: str
    value: Any = None
    passed: bool
    message: str


class ResultOut(Schema):
    case: str
    name: str
    passed: bool
    reply: str
    latency_ms: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    checks: list[CheckResultOut]
    error: str


class RunOut(RunSummary):
    results: list[ResultOut]


class RunList(Schema):
    data: list[RunSummary]
    next: str | None


class ComparedCase(Schema):
    case: str
    name: str
    from_: ResultOut | None = Field(alias="from")
    to: ResultOut | None
    regression: bool = Field(description="Passed in `from`, fails in `to`.")
    fixed: bool = Field(description="Failed in `from`, passes in `to`.")


class CompareOut(Schema):
    from_: RunSummary | None = Field(alias="from")
    to: RunSummary | None
    cases: list[ComparedCase]
    regressions: int
    fixed: int


# ------------------------------------------------------------------ shapes


def case_out(case: EvalCase) -> dict[str, Any]:
    return {
        "id": case.public_id,
        **attributes(case, "name", "messages", "checks", "updated_at"),
    }


def run_summary(run: EvalRun) -> dict[str, Any]:
    return {
        "id": run.public_id,
        "suite": run.suite.public_id,
        "target": run.target_label,
        "version": int(run.target_label[1:]) if run.target_label.startswith("v") else None,
        "cases": run.case_count,
        "done": run.done_count,
        "passed": run.passed_count,
        "failed": run.failed_count,
        "created_by": username(run.created_by),
        **attributes(run, "content_hash", "status", "error", "provider"),
        **attributes(run, "created_at", "started_at", "finished_at"),
    }


def result_out(result: EvalResult) -> dict[str, Any]:
    return {
        "case": result.case_ref,
        "name": result.case_name,
        **attributes(result, "passed", "reply", "latency_ms", "prompt_tokens"),
        **attributes(result, "completion_tokens", "checks", "error"),
    }


def suite_out(suite: EvalSuite) -> dict[str, Any]:
    latest = getattr(suite, "latest_run", None)
    return {
        "id": suite.public_id,
        "agent": suite.agent.public_id,
        "name": suite.name,
        "description": suite.description,
        "revision": suite.revision,
        # Annotated by the selectors that list suites; counted for a single one.
        "case_count": suite.case_total if hasattr(suite, "case_total") else suite.cases.count(),
        "latest_run": run_summary(latest) if latest else None,
        "created_at": suite.created_at,
        "updated_at": suite.updated_at,
    }


def _suite_detail(suite: EvalSuite) -> dict[str, Any]:
    suite, cases = evals_selectors.suite_with_cases(suite)
    return {**suite_out(suite), "cases": [case_out(c) for c in cases]}


def _dump(items) -> list[dict[str, Any]] | None:
    return None if items is None else [item.model_dump() for item in items]


# ------------------------------------------------------------------ suites of an agent

agent_suites = Router(tags=["evals"])


@agent_suites.get("/agents/{agent_id}/suites", response={200: SuiteList, **ERRORS_READ})
def list_suites(
    request,
    paging: Query[Paging],
    agent_id: str,
):
    """List an agent's eval suites"""
    require(request, VIEW_AGENT)
    agent = agents.agent_for_page(agent_id)
    suites = evals_selectors.eval_suites(agent)
    for suite in suites:
        suite.agent = agent
    return page(request, suites, paging, suite_out)


@agent_suites.post("/agents/{agent_id}/suites", response={201: SuiteDetail, **ERRORS_WRITE})
def create_suite(request, agent_id: str, payload: SuiteIn):
    """Create an eval suite, optionally with its cases"""
    principal = require(request, EDIT_DRAFT)
    agent = agents.agent_for_page(agent_id)
    suite = evals.create_eval_suite(
        agent=agent,
        name=payload.name,
        description=payload.description,
        cases=[c.model_dump() for c in payload.cases],
        user=principal.user,
    )
    return Status(201, _suite_detail(suite))


# ------------------------------------------------------------------ one suite

suites = Router(tags=["evals"])


@suites.get("/{suite_id}", response={200: SuiteDetail, **ERRORS_READ})
def get_suite(request, suite_id: str):
    """Get a suite"""
    require(request, VIEW_AGENT)
    return _suite_detail(evals_selectors.suite(suite_id))


@suites.patch("/{suite_id}", response={200: SuiteDetail, **ERRORS_WRITE})
def patch_suite(request, suite_id: str, payload: SuitePatch):
    """Rename a suite"""
    principal = require(request, EDIT_DRAFT)
    found = evals_selectors.suite(suite_id)
    evals.update_eval_suite(suite=found, user=principal.user, **payload.model_dump())
    return _suite_detail(evals_selectors.suite(found.public_id))


@suites.post("/{suite_id}/cases", response={201: CaseOut, **ERRORS_WRITE})
def add_case(request, suite_id: str, payload: CaseIn):
    """Add a case"""
    principal = require(request, EDIT_DRAFT)
    case = evals.add_eval_case(
        suite=evals_selectors.suite(suite_id),
        name=payload.name,
        messages=_dump(payload.messages),
        checks=_dump(payload.checks),
        user=principal.user,
    )
    return Status(201, case_out(case))


@suites.patch("/{suite_id}/cases/{case_id}", response={200: CaseOut, **ERRORS_WRITE})
def patch_case(request, suite_id: str, case_id: str, payload: CasePatch):
    """Edit a case"""
    principal = require(request, EDIT_DRAFT)
    changes: dict[str, Any] = {}
    if payload.name is not None:
        changes["name"] = payload.name
    if payload.messages is not None:
        changes["messages"] = _dump(payload.messages)
    if payload.checks is not None:
        changes["checks"] = _dump(payload.checks)
    case = evals.update_eval_case(
        case=evals_selectors.case(evals_selectors.suite(suite_id), case_id),
        user=principal.user,
        **changes,
    )
    return case_out(case)


@suites.delete("/{suite_id}/cases/{case_id}", response={204: None, **ERRORS_READ})
def delete_case(request, suite_id: str, case_id: str):
    """Delete a case (past results keep it)"""
    principal = require(request, EDIT_DRAFT)
    evals.delete_eval_case(
        case=evals_selectors.case(evals_selectors.suite(suite_id), case_id), user=principal.user
    )
    return HttpResponse(status=204)


@suites.post(
    "/{suite_id}/runs",
    response={202: RunSummary, **ERRORS_WRITE},
    description="Answers 202 with the queued run; poll `GET /runs/{id}` for progress. "
    "A draft is frozen when the run starts: later edits do not change what it tests.",
)
@idempotent
def start_run(request, suite_id: str, payload: RunIn):
    """Run the suite against the draft or a version (in the background)"""
    principal = require(request, EDIT_DRAFT)
    suite = evals_selectors.suite(suite_id)
    run = evals.start_eval_run(suite=suite, target=payload.target, user=principal.user)
    return Status(202, run_summary(evals_selectors.run(run.public_id)))


@suites.get("/{suite_id}/runs", response={200: RunList, **ERRORS_READ})
def list_runs(
    request,
    paging: Query[Paging],
    suite_id: str,
):
    """A suite's runs, newest first"""
    require(request, VIEW_AGENT)
    suite = evals_selectors.suite(suite_id)
    return page(request, evals_selectors.suite_runs(suite), paging, run_summary)


@suites.get(
    "/{suite_id}/compare",
    response={200: CompareOut, 409: ErrorOut, **ERRORS_READ},
    description="`from` and `to` are each `draft`, `released`, `3`/`v3` or a revision `r12`; "
    "each side is the "
    "latest finished run on that configuration (null when there is none). A regression "
    "passed in `from` and fails in `to`.",
    by_alias=True,
)
def compare(request, suite_id: str, from_: str = Query(..., alias="from"), to: str = Query(...)):
    """Compare the latest runs on two configurations, case by case"""
    require(request, VIEW_AGENT)
    suite = evals_selectors.suite(suite_id)
    agent = agents.agent_for_page(suite.agent.public_id)
    run_a = evals_selectors.latest_run_on(suite, compare_selectors.compare_side(agent, from_))
    run_b = evals_selectors.latest_run_on(suite, compare_selectors.compare_side(agent, to))
    rows = evals_selectors.compare_runs(run_a, run_b)
    return {
        "from": run_summary(run_a) if run_a else None,
        "to": run_summary(run_b) if run_b else None,
        "cases": [
            {
                "case": row.ref,
                "name": row.name,
                "from": result_out(row.a) if row.a else None,
                "to": result_out(row.b) if row.b else None,
                "regression": row.regression,
                "fixed": row.fixed,
            }
            for row in rows
        ],
        "regressions": sum(row.regression for row in rows),
        "fixed": sum(row.fixed for row in rows),
    }


# ------------------------------------------------------------------ runs

runs = Router(tags=["evals"])


@runs.get("/{run_id}", response={200: RunOut, 404: ErrorOut, 401: ErrorOut, 403: ErrorOut})
def get_run(request, run_id: str):
    """A run's progress and results"""
    require(request, VIEW_AGENT)
    run = evals_selectors.run(run_id)
    results = evals_selectors.run_results(run)
    return {**run_summary(run), "results": [result_out(r) for r in results]}
