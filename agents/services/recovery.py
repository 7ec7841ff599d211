"""Recovering jobs whose worker died.

django-tasks' database worker claims a job by marking it RUNNING; a worker
killed mid-job (OOM, `kill -9`, a lost machine) leaves it RUNNING forever and
nothing would run it again. Every worker therefore sweeps, every
JOB_SWEEP_SECONDS (`manage.py worker`): a job still RUNNING whose work shows no
progress for JOB_STALE_SECONDS is marked failed and its work handed to a fresh
job, at most JOB_MAX_ATTEMPTS jobs in all; after that the work ends in `error`
with the reason. Sweeps are safe to run from any number of workers at once:
each hand-over is a compare-and-set on the job id, so exactly one sweeper wins.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agents.models import EvalRun
from agents.services import changes
from agents.services.alerts import run_regression_checks
from agents.services.audit import sweep_audit
from agents.services.eval_runner import run_eval
from agents.services.judges import run_due_judgements
from agents.services.rollouts import run_due_rollouts
from agents.services.schedules import run_due_schedules
from agents.services.webhook_delivery import run_due_deliveries

logger = logging.getLogger(__name__)

UNFINISHED = (EvalRun.Status.QUEUED, EvalRun.Status.RUNNING)


def recover_stalled_jobs(*, now: datetime | None = None) -> list[str]:
    """One sweep; returns what it did, one line per item ("er_… retried", "er_… ended",
    "sr_… done"): stalled eval runs, scheduled releases whose moment passed,
    running rollouts (the timer that notices a step's minutes have passed),
    releases watched for a regression, webhook deliveries whose worker died,
    production conversations for the agents' judges, and changes and audit entries
    older than what is kept."""
    return (
        recover_stalled_eval_runs(now=now)
        + run_due_schedules(now=now)
        + run_due_rollouts(now=now)
        + run_regression_checks(now=now)
        + run_due_deliveries(now=now)
        + run_due_judgements(now=now)
        + changes.prune_changes(now=now)
        + sweep_audit(now=now)
    )


def recover_stalled_eval_runs(*, now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    runs = list(
        EvalRun.objects.filter(status__in=UNFINISHED)
        .exclude(job_id="")
        .only("pk", "public_id", "job_id", "attempts", "heartbeat_at", "started_at", "created_at")
    )
    if not runs:
        return []
    jobs = {
        str(job.pk): job
        for job in DBTaskResult.objects.filter(pk__in=[r.job_id for r in runs]).only(
            "pk", "status", "started_at", "finished_at"
        )
    }
    done = []
    for run in runs:
        job = jobs.get(run.job_id)
        if job is not None and job.status == TaskResultStatus.READY:
            continue  # waiting for a free worker, not stalled
        moments = [run.last_progress]
        if job is not None:
            moments += [t for t in (job.started_at, job.finished_at) if t]
        if max(moments) >= stale_before:
            continue
        outcome = _hand_over(run, job, now)
        if outcome:
            logger.warning("eval run %s: %s", run.public_id, outcome)
            done.append(f"{run.public_id} {outcome}")
    return done


def _hand_over(run: EvalRun, job: DBTaskResult | None, now: datetime) -> str | None:
    """Fail the dead job; give the run a new one, or end it after the last attempt."""
    reason = (
        f"no progress since {run.last_progress:%Y-%m-%d %H:%M:%S} UTC: "
        "the worker running it stopped"
    )
    with transaction.atomic():
        if run.attempts >= settings.JOB_MAX_ATTEMPTS:
            ended = EvalRun.objects.filter(
                pk=run.pk, job_id=run.job_id, status__in=UNFINISHED
            ).update(
                status=EvalRun.Status.ERROR,
                error=f"Stopped after {run.attempts} attempt(s); {reason}.",
                finished_at=now,
            )
            outcome = "ended" if ended else None
        else:
            new_job = run_eval.enqueue(run.pk)
            moved = EvalRun.objects.filter(
                pk=run.pk, job_id=run.job_id, status__in=UNFINISHED
            ).update(job_id=str(new_job.id), attempts=run.attempts + 1, heartbeat_at=now)
            if not moved:  # another sweeper (or the run itself) got there first
                transaction.set_rollback(True)
                return None
            outcome = f"retried (attempt {run.attempts + 1})"
        if outcome and job is not None and job.status == TaskResultStatus.RUNNING:
            DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="agents.services.recovery.WorkerLost",
                traceback=reason,
            )
    return outcome
