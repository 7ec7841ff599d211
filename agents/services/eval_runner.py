"""Executing an eval run: the background job behind start_eval_run.

The job (`run_eval`) is declared here, beside the work it does, so that
start_eval_run can enqueue it in its own transaction without the services
layer importing an edge; `agents.tasks` lists it for the worker.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from agents.domain import checks
from agents.domain.prompts import with_linked_texts
from agents.models import EvalResult, EvalRun
from agents.providers import Message, Provider, ProviderError, get_provider
from agents.selectors import runtime


def execute_eval_run(*, run_id: int, provider: Provider | None = None) -> EvalRun:
    """Run every case the run froze at start against its bound configuration,
    storing each result as it comes (the page shows progress).

    Safe to call again after a crash, even while a stalled job still runs:
    cases that already have a result are skipped and never stored twice. Every
    case is a heartbeat (`heartbeat_at`); a run stops after EVAL_RUN_MAX_SECONDS
    from its start, and the cases it did not reach are recorded as errors.
    """
    run = EvalRun.objects.select_related("version", "snapshot").get(pk=run_id)
    if run.finished:
        return run
    provider = provider or get_provider()
    started_at = run.started_at or timezone.now()
    EvalRun.objects.filter(pk=run.pk).update(
        status=EvalRun.Status.RUNNING,
        started_at=started_at,
        heartbeat_at=timezone.now(),
        provider=provider.name,
    )
    # Linked library prompts as they resolve when the run executes (pinned ones fixed).
    config = with_linked_texts(run.config, runtime.linked_prompts(run.config))
    deadline = started_at + timedelta(seconds=settings.EVAL_RUN_MAX_SECONDS)
    done = set(run.results.values_list("position", flat=True))
    for position, case in enumerate(run.cases, start=1):
        if position in done:
            continue
        if timezone.now() >= deadline:
            limit = f"the run's time limit ({settings.EVAL_RUN_MAX_SECONDS} s) was reached"
            _store_result(run, position, case, {"passed": False, "error": f"timeout: {limit}"})
        else:
            _run_case(run, position, case, config, provider)
    with transaction.atomic():
        run = EvalRun.objects.select_for_update().get(pk=run.pk)
        results = list(run.results.values_list("passed", flat=True))
        run.done_count = len(results)
        run.passed_count = sum(results)
        run.status = (
            EvalRun.Status.PASSED
            if run.done_count and run.passed_count == run.case_count
            else EvalRun.Status.FAILED
        )
        run.finished_at = timezone.now()
        run.save()
    return run


def _run_case(
    run: EvalRun, position: int, case: dict[str, Any], config: dict[str, Any], provider: Provider
) -> None:
    messages = [Message(m["role"], m["content"]) for m in case["messages"]]
    try:
        completion = provider.complete(config=config, messages=messages)
    except ProviderError as exc:
        fields = {"passed": False, "error": f"{exc.code}: {exc.message}"}
    else:
        checked = checks.evaluate(case["checks"], completion, config)
        fields = {
            "passed": all(c.passed for c in checked),
            "reply": completion.text,
            "latency_ms": completion.latency_ms,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "checks": checks.as_dicts(checked),
        }
    _store_result(run, position, case, fields)


def _store_result(run: EvalRun, position: int, case: dict[str, Any], fields: dict) -> None:
    """One case's result and the run's counters and heartbeat, together; a result
    another job already stored for this position is kept and this one dropped."""
    try:
        with transaction.atomic():
            EvalResult.objects.create(
                run=run, case_ref=case["ref"], case_name=case["name"], position=position, **fields
            )
            EvalRun.objects.filter(pk=run.pk).update(
                done_count=F("done_count") + 1,
                passed_count=F("passed_count") + (1 if fields["passed"] else 0),
                heartbeat_at=timezone.now(),
            )
    except IntegrityError:
        if not EvalResult.objects.filter(run=run, position=position).exists():
            raise


def fail_eval_run(*, run_id: int, error: str) -> None:
    """The job itself broke (not a case): the run ends in `error` with the reason."""
    EvalRun.objects.filter(pk=run_id).exclude(status__in=EvalRun.FINISHED).update(
        status=EvalRun.Status.ERROR, error=error[:2000], finished_at=timezone.now()
    )


@task()
def run_eval(run_id: int) -> dict:
    """Execute one eval run. A crash of the job itself ends the run in `error`
    with the reason, instead of leaving it "running" forever."""
    try:
        run = execute_eval_run(run_id=run_id)
    except Exception as exc:
        fail_eval_run(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"run": run.public_id, "status": run.status, "passed": run.passed_count}
