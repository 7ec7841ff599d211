"""Reading evals: suites with their latest runs, runs, the release gate, comparisons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from agents.models import (
    Agent,
    DraftRevision,
    EvalCase,
    EvalResult,
    EvalRun,
    EvalSuite,
    PublishedVersion,
)
from agents.selectors.base import one
from agents.selectors.branches import kept
from agents.selectors.compare import Side


def gate_findings(*, agent: Agent, version: PublishedVersion) -> list[str]:
    """Why `version` has no passing eval run, one line per suite; empty when it has.

    A run counts for a version when it tested the same configuration (content
    hash: a draft run counts for the version saved from that draft) and the suite
    as it is now (its revision). The latest such finished run of each suite must
    have passed every case.
    """
    suites = list(EvalSuite.objects.filter(agent_id=agent.pk).order_by("name", "id"))
    if not suites:
        return ["the agent has no eval suites"]
    latest: dict[int, EvalRun] = {}
    for run in (
        EvalRun.objects.filter(
            agent_id=agent.pk, content_hash=version.content_hash, status__in=EvalRun.FINISHED
        )
        .defer("cases")
        .order_by("-finished_at", "-id")
    ):
        latest.setdefault(run.suite_id, run)
    failed: dict[int, list[str]] = {}  # the failed cases of every latest run, one query
    for run_id, name in (
        EvalResult.objects.filter(run_id__in=[run.pk for run in latest.values()], passed=False)
        .order_by("run_id", "position")
        .values_list("run_id", "case_name")
    ):
        failed.setdefault(run_id, []).append(name)
    findings = []
    for suite in suites:
        run = latest.get(suite.pk)
        if run is None:
            findings.append(f"“{suite.name}” has no finished run on {version.label}")
        elif run.suite_revision != suite.revision:
            findings.append(f"“{suite.name}” changed since its last run on {version.label}")
        elif run.status == EvalRun.Status.ERROR:
            findings.append(f"“{suite.name}” run {run.public_id} ended in error: {run.error}")
        elif run.status != EvalRun.Status.PASSED:
            findings.append(
                f"“{suite.name}” failed {run.case_count - run.passed_count} of "
                f"{run.case_count} cases ({', '.join(failed.get(run.pk, []))})"
            )
    return findings


def eval_suites(agent: Agent) -> list:
    """The agent's suites with their case count and latest run, in two queries."""
    suites = list(
        EvalSuite.objects.filter(agent_id=agent.pk)
        .annotate(case_total=Count("cases"))
        .order_by("name", "id")
    )
    latest: dict[int, EvalRun] = {}
    runs = EvalRun.objects.filter(suite__in=suites).select_related("created_by").defer("cases")
    for run in runs.filter(
        pk__in=EvalRun.objects.filter(suite__in=suites)
        .values("suite_id")
        .annotate(last=Max("id"))
        .values("last")
    ):
        latest[run.suite_id] = run
    for suite in suites:
        suite.latest_run = latest.get(suite.pk)
        if suite.latest_run is not None:
            suite.latest_run.suite = suite
    return suites


def eval_runs(suite, limit: int = 20) -> list:
    return list(
        EvalRun.objects.filter(suite_id=suite.pk)
        .select_related("created_by")
        .defer("cases")
        .order_by("-created_at", "-id")[:limit]
    )


def run_targets(agent: Agent, *, revisions: int = 10) -> list[tuple[str, str]]:
    """What a run or a playground session can target: the draft, its branches, each
    version, and the latest draft revisions (any other `rN` can be typed where a
    field allows)."""
    numbers = PublishedVersion.objects.filter(agent_id=agent.pk).order_by("-number")
    released = agent.released_version_id
    options = [("draft", "Draft")]
    for name in kept(agent).values_list("name", flat=True):
        options.append((f"draft:{name}", f"Branch draft:{name}"))
    for pk, number, name in numbers.values_list("pk", "number", "name")[:200]:
        suffix = " (released)" if pk == released else ""
        options.append((str(number), f"v{number} “{name}”{suffix}"))
    recent = (
        DraftRevision.objects.filter(agent_id=agent.pk)
        .order_by("-number")
        .values_list("number", "reason", "created_at")[:revisions]
    )
    for number, reason, created_at in recent:
        moment = timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M")
        options.append((f"r{number}", f"r{number} · {reason or 'Changed'} · {moment}"))
    return options


@dataclass(frozen=True)
class CaseRow:
    ref: str
    name: str
    a: object  # EvalResult | None
    b: object

    @property
    def sides(self) -> tuple[object, object]:
        return (self.a, self.b)

    @property
    def regression(self) -> bool:
        return self.a is not None and self.b is not None and self.a.passed and not self.b.passed

    @property
    def fixed(self) -> bool:
        return self.a is not None and self.b is not None and not self.a.passed and self.b.passed


def latest_run_on(suite, side: Side):
    """The latest finished run of `suite` on the configuration `side` holds (by hash)."""
    return (
        EvalRun.objects.filter(
            suite_id=suite.pk, content_hash=side.content_hash, status__in=EvalRun.FINISHED
        )
        .order_by("-finished_at", "-id")
        .first()
    )


def compare_runs(run_a, run_b) -> list[CaseRow]:
    """Results of two runs case by case (matched by case id), in the newer run's order."""
    results = EvalResult.objects.filter(run__in=[r for r in (run_a, run_b) if r])
    by_run: dict[int, dict[str, object]] = {}
    order: dict[str, str] = {}  # case id → name, first seen in the newer run
    for result in results.order_by("run_id", "position"):
        by_run.setdefault(result.run_id, {})[result.case_ref] = result
    for run in (run_b, run_a):
        for ref, result in (by_run.get(run.pk, {}) if run else {}).items():
            order.setdefault(ref, result.case_name)
    return [
        CaseRow(
            ref=ref,
            name=name,
            a=by_run.get(run_a.pk, {}).get(ref) if run_a else None,
            b=by_run.get(run_b.pk, {}).get(ref) if run_b else None,
        )
        for ref, name in order.items()
    ]


# ------------------------------------------------------------------ lookups


def suite(public_id: str, *, agent: Agent | None = None) -> EvalSuite:
    """One suite with its agent (of `agent`, when given); UnknownReference otherwise."""
    rows = EvalSuite.objects.select_related("agent").filter(public_id=public_id)
    if agent is not None:
        rows = rows.filter(agent_id=agent.pk)
    return one(rows, f"No eval suite {public_id}.")


def suite_with_cases(suite: EvalSuite) -> tuple[EvalSuite, list[EvalCase]]:
    """The suite with its latest run attached, and its cases in order (three queries)."""
    suite.latest_run = (
        EvalRun.objects.filter(suite=suite).select_related("created_by").defer("cases").first()
    )
    if suite.latest_run is not None:
        suite.latest_run.suite = suite
    cases = list(suite.cases.order_by("id"))
    suite.case_total = len(cases)
    return suite, cases


def case(suite: EvalSuite, public_id: str) -> EvalCase:
    return one(
        (EvalCase.objects.filter(suite=suite, public_id=public_id).select_related("suite")),
        f"{suite.public_id} has no case {public_id}.",
    )


def run(public_id: str, *, agent: Agent | None = None) -> EvalRun:
    """One run with its suite and author (not the cases it froze); UnknownReference otherwise."""
    rows = EvalRun.objects.select_related("suite", "created_by").defer("cases")
    if agent is not None:
        rows = rows.filter(agent_id=agent.pk)
    return one(rows.filter(public_id=public_id), f"No eval run {public_id}.")


def suite_runs(suite: EvalSuite) -> QuerySet[EvalRun]:
    """A suite's runs newest first, to paginate."""
    return (
        EvalRun.objects.filter(suite=suite)
        .select_related("suite", "created_by")
        .defer("cases")
        .order_by("-created_at", "-id")
    )


def run_results(run: EvalRun) -> list[EvalResult]:
    return list(run.results.order_by("position"))
