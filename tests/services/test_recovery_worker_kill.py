"""A real worker process killed mid-run (SIGKILL): live workers finish the run.

PostgreSQL only: the workers are separate processes that must see the test's
database, which SQLite's in-memory test database cannot offer.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agents.models import EvalRun
from agents.services import evals
from tests.helpers import FakeOpenAI

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
CASES = 8
WORKER_OPTIONS = ["--no-reload", "--no-startup-delay", "--interval", "0.2"]


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", *WORKER_OPTIONS],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_killing_the_worker_mid_run_hands_the_run_to_a_live_worker(
    transactional_db, user, make_agent
):
    server = FakeOpenAI.serve(delay=0.4)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "AGENT_PROVIDER": "openai_compatible",
        "AGENT_PROVIDER_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1",
        "AGENT_PROVIDER_TIMEOUT_S": "2",
        "JOB_STALE_SECONDS": "3",
        "JOB_SWEEP_SECONDS": "0.5",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "worker-kill-test",
    }
    agent = make_agent("Killed mid-run")
    suite = evals.create_eval_suite(
        agent=agent,
        name="Eight",
        user=user,
        cases=[
            {"name": f"case {i}", "messages": [{"role": "user", "content": f"hi {i}"}]}
            for i in range(1, CASES + 1)
        ],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    first_job = run.job_id
    workers = [_worker(env)]
    try:
        _wait_for(lambda: EvalRun.objects.get(pk=run.pk).done_count >= 2, 60, "two cases done")
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        killed = EvalRun.objects.get(pk=run.pk)
        assert killed.status == "running"
        assert killed.done_count < CASES

        workers += [_worker(env), _worker(env)]  # several live workers sweep at once
        finished = _wait_for(
            lambda: (r := EvalRun.objects.get(pk=run.pk)).finished and r, 90, "the run to finish"
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(10)
        server.shutdown()
        server.server_close()

    assert finished.status == "passed", finished.error
    assert finished.attempts == 2
    assert list(finished.results.values_list("position", flat=True)) == list(range(1, CASES + 1))
    assert (finished.done_count, finished.passed_count) == (CASES, CASES)
    assert DBTaskResult.objects.get(pk=first_job).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=finished.job_id).status == TaskResultStatus.SUCCESSFUL
