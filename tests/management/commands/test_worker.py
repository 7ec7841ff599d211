"""`manage.py worker`: the database worker runs queued jobs, and its sweep hands over
jobs whose worker died and purges cache keys writes could not refresh."""

import time
from unittest import mock

import pytest
from django.core.management import call_command

from agents.management.commands import worker
from agents.models import EvalRun
from agents.services import evals

pytestmark = pytest.mark.django_db


def test_a_batch_run_carries_out_the_queued_jobs(suite, released, user):
    run = evals.start_eval_run(suite=suite, target="released", user=user)
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert EvalRun.objects.get(pk=run.pk).finished


def test_the_sweep_recovers_and_purges_until_stopped(monkeypatch):
    swept = []
    monkeypatch.setattr(worker.recovery, "recover_stalled_jobs", lambda: swept.append(1) or [])
    monkeypatch.setattr(worker.PendingPurge.objects, "flush", lambda: swept.append(2))
    monkeypatch.setattr(worker.connection, "close", lambda: None)
    sweeper = worker.Sweeper(interval=0.01)
    sweeper.start()
    deadline = time.monotonic() + 10
    while len(swept) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    sweeper.stopped.set()
    sweeper.join(timeout=5)
    assert not sweeper.is_alive()
    assert swept[:4] == [1, 2, 1, 2]
