"""Eval runs in the worker: bound to what they test when started, resumable, failing clearly."""

import pytest

from agents.domain.exceptions import (
    InvalidInput,
)
from agents.models import EvalRun
from agents.services import eval_runner
from agents.services import eval_runner as eval_runner_services
from agents.services import evals as evals_services
from tests.helpers import BOOKING, Flaky, edit, run_worker

pytestmark = pytest.mark.django_db


def test_a_run_is_queued_with_its_job_and_a_worker_executes_it(agent, suite, user):
    edit(agent, BOOKING, user=user)
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    assert run.status == "queued"
    assert run.target_label == "draft"
    agent.draft.refresh_from_db()
    assert run.snapshot.content_hash == agent.draft.content_hash
    assert run.case_count == 2

    run_worker()

    run.refresh_from_db()
    assert run.status == "passed"
    assert (run.done_count, run.passed_count) == (2, 2)
    assert run.provider == "echo"
    assert run.started_at <= run.finished_at
    results = list(run.results.order_by("position"))
    assert [r.case_name for r in results] == ["mentions the booking tool", "never promises refunds"]
    assert results[0].reply == "You said: Can I book Tuesday? (tools available: book)"
    assert results[0].prompt_tokens > 0
    assert all(c["passed"] for c in results[0].checks)


def test_a_failing_case_fails_the_run_and_says_which_check(agent, suite, user):
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    run_worker()
    run.refresh_from_db()
    assert run.status == "failed"
    assert (run.passed_count, run.failed_count) == (1, 1)
    failed = run.results.get(passed=False)
    assert failed.case_name == "mentions the booking tool"
    messages = [c["message"] for c in failed.checks if not c["passed"]]
    assert messages == ["missing “tools available: book”"]


def test_a_draft_run_tests_the_draft_as_it_was_when_started(agent, suite, user):
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    edit(agent, BOOKING, user=user)  # after the run started: not what it tests
    run_worker()
    run.refresh_from_db()
    assert run.status == "failed"
    agent.draft.refresh_from_db()
    assert run.content_hash != agent.draft.content_hash


def test_a_run_tests_the_cases_as_they_were_when_started(agent, suite, user):
    edit(agent, BOOKING, user=user)
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    evals_services.add_eval_case(
        suite=suite,
        name="added later",
        messages=[{"role": "user", "content": "x"}],
        checks=[{"type": "contains", "value": "never there"}],
        user=user,
    )
    run_worker()
    run.refresh_from_db()
    assert (run.status, run.case_count) == ("passed", 2)


def test_runs_against_versions_bind_the_version(agent, suite, user, make_version):
    v1 = make_version(agent, BOOKING)
    run = evals_services.start_eval_run(suite=suite, target="v1", user=user)
    assert (run.version, run.snapshot, run.target_label) == (v1, None, "v1")
    assert evals_services.start_eval_run(suite=suite, target=1, user=user).version == v1


def test_unknown_targets_and_empty_suites_start_nothing(agent, suite, user):
    from agents.domain.exceptions import UnknownReference

    with pytest.raises(UnknownReference):
        evals_services.start_eval_run(suite=suite, target="v9", user=user)
    with pytest.raises(UnknownReference):
        evals_services.start_eval_run(suite=suite, target="latest", user=user)
    empty = evals_services.create_eval_suite(agent=agent, name="Empty", user=user)
    with pytest.raises(InvalidInput, match="no cases"):
        evals_services.start_eval_run(suite=empty, target="draft", user=user)
    assert EvalRun.objects.count() == 0
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 0


def test_a_provider_error_fails_that_case_with_the_reason(agent, suite, user):
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    run = eval_runner_services.execute_eval_run(run_id=run.pk, provider=Flaky())
    assert run.status == "failed"
    first = run.results.get(position=1)
    assert first.error == "timeout: The provider did not answer within 30 s."
    assert run.results.get(position=2).passed


def test_a_run_resumes_after_a_crash_without_repeating_cases(agent, suite, user):
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    eval_runner._run_case(run, 1, run.cases[0], run.config, Flaky())  # the worker died after this
    provider = Flaky()
    provider.calls = 1  # answers from now on
    run = eval_runner_services.execute_eval_run(run_id=run.pk, provider=provider)
    assert provider.calls == 2  # only the second case ran again
    assert run.results.count() == 2
    assert run.status == "failed"


def test_a_job_that_breaks_ends_its_run_in_error(agent, suite, user, monkeypatch):
    run = evals_services.start_eval_run(suite=suite, target="draft", user=user)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(eval_runner, "execute_eval_run", broken)
    run_worker()
    run.refresh_from_db()
    assert run.status == "error"
    assert run.error == "RuntimeError: disk full"
