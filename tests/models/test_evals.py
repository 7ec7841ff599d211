"""Eval suites, cases and runs: names, progress figures and the counts the database
keeps consistent."""

import pytest

from agents.models import EvalCase, EvalRun, EvalSuite
from agents.services import evals
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


def test_a_queued_run_reports_its_progress(suite, released, user):
    run = evals.start_eval_run(suite=suite, target="released", user=user)
    assert str(suite) == f"Booking ({suite.public_id})"
    assert run.status == "queued"
    assert not run.finished
    assert (run.case_count, run.percent_done, run.pass_rate) == (2, 0, None)
    assert str(run) == f"{run.public_id} v1 queued"
    assert run.last_progress == run.created_at
    assert not run.stalled


def test_a_finished_run_counts_its_failures_and_rate(suite, released, user):
    run = evals.start_eval_run(suite=suite, target="released", user=user)
    EvalRun.objects.filter(pk=run.pk).update(status="failed", done_count=2, passed_count=1)
    run.refresh_from_db()
    assert run.finished
    assert (run.failed_count, run.percent_done, run.pass_rate) == (1, 100, 0.5)


def test_the_database_keeps_counts_and_names_sensible(suite, released, user):
    run = evals.start_eval_run(suite=suite, target="released", user=user)
    runs = EvalRun.objects.filter(pk=run.pk)
    refused_by_database(runs, done_count=3)  # more done than there are cases
    refused_by_database(runs, status="lost")
    refused_by_database(EvalSuite.objects.filter(pk=suite.pk), name="")
    refused_by_database(EvalCase.objects.filter(suite=suite), name="")
