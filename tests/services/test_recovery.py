"""Jobs whose worker died are picked up again, or end in `error` with the reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agents.models import EvalResult, EvalRun
from agents.services import eval_runner, evals, recovery
from agents.services import eval_runner as eval_runner_services
from tests.helpers import run_worker

pytestmark = pytest.mark.django_db

CASES = [
    {"name": f"case {i}", "messages": [{"role": "user", "content": f"hello {i}"}]}
    for i in range(1, 5)
]


@pytest.fixture
def run(agent, user):
    suite = evals.create_eval_suite(agent=agent, name="Smoke", user=user, cases=CASES)
    return evals.start_eval_run(suite=suite, target="draft", user=user)


def _die_mid_run(run, *, done: int, minutes_ago: int = 10) -> None:
    """What a worker killed after `done` cases leaves behind: its job RUNNING, the run
    "running" with `done` results, and no progress since."""
    then = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=run.job_id).update(
        status=TaskResultStatus.RUNNING, started_at=then, worker_ids=["dead-worker"]
    )
    EvalRun.objects.filter(pk=run.pk).update(status="running", started_at=then)
    for position, case in enumerate(run.cases[:done], start=1):
        EvalResult.objects.create(
            run=run, case_ref=case["ref"], case_name=case["name"], position=position, passed=True
        )
    EvalRun.objects.filter(pk=run.pk).update(done_count=done, passed_count=done, heartbeat_at=then)


def test_a_run_started_records_its_job(run):
    assert DBTaskResult.objects.get(pk=run.job_id).args_kwargs["args"] == [run.pk]
    assert run.attempts == 1


def test_a_stalled_run_is_handed_to_a_new_job_that_finishes_it(run):
    _die_mid_run(run, done=2)
    old_job = run.job_id

    assert recovery.recover_stalled_jobs() == [f"{run.public_id} retried (attempt 2)"]
    run.refresh_from_db()
    assert run.job_id != old_job
    assert run.attempts == 2
    dead = DBTaskResult.objects.get(pk=old_job)
    assert dead.status == TaskResultStatus.FAILED
    assert "the worker running it stopped" in dead.traceback

    run_worker()
    run.refresh_from_db()
    assert run.status == "passed"
    assert list(run.results.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert (run.done_count, run.passed_count) == (4, 4)


def test_a_second_sweep_does_not_hand_over_the_same_run_again(run):
    _die_mid_run(run, done=1)
    assert recovery.recover_stalled_jobs()
    assert recovery.recover_stalled_jobs() == []  # the new job waits for a worker
    assert EvalRun.objects.get(pk=run.pk).attempts == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_runs_that_are_moving_or_waiting_are_left_alone(run):
    assert recovery.recover_stalled_jobs() == []  # queued: its job waits for a worker
    _die_mid_run(run, done=1, minutes_ago=0)  # running, with recent progress
    assert recovery.recover_stalled_jobs() == []
    later = timezone.now() + timedelta(minutes=10)
    assert recovery.recover_stalled_jobs(now=later) == [f"{run.public_id} retried (attempt 2)"]


def test_after_the_last_attempt_the_run_ends_in_error_with_the_reason(run, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    _die_mid_run(run, done=1)
    recovery.recover_stalled_jobs()
    run.refresh_from_db()
    _die_mid_run(run, done=0)

    assert recovery.recover_stalled_jobs() == [f"{run.public_id} ended"]
    run.refresh_from_db()
    assert run.status == "error"
    assert run.error.startswith("Stopped after 2 attempt(s); no progress since")
    assert run.finished_at is not None


def test_a_case_stored_twice_by_two_jobs_counts_once(run):
    """A stalled job that wakes up after its run was handed over may finish a case the
    new job already stored: the first result stays, the counters count it once."""
    case = run.cases[0]
    eval_runner._store_result(run, 1, case, {"passed": True, "reply": "first"})
    eval_runner._store_result(run, 1, case, {"passed": False, "reply": "second"})
    run.refresh_from_db()
    assert list(run.results.values_list("reply", flat=True)) == ["first"]
    assert (run.done_count, run.passed_count) == (1, 1)


def test_a_run_past_its_time_limit_records_the_rest_as_errors(run, settings):
    settings.EVAL_RUN_MAX_SECONDS = 0
    eval_runner_services.execute_eval_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    errors = list(run.results.values_list("error", flat=True))
    assert len(errors) == 4
    assert all("time limit (0 s)" in e for e in errors)


def test_the_run_page_stops_polling_a_run_that_is_not_progressing(client, user, agent, run):
    client.force_login(user)
    url = reverse("agents:eval-run", args=[agent.public_id, run.public_id])
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()

    _die_mid_run(run, done=2)
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' not in html
    assert 'data-testid="run-stalled"' in html
    assert "seems to have stopped" in html
    suite_url = reverse("agents:eval-suite", args=[agent.public_id, run.suite.public_id])
    assert "every 1s" not in client.get(suite_url).content.decode()
