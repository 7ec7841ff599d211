"""Reads of evals: an agent's suites with their latest runs, what a run may target,
and why a version cannot pass the release gate."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import evals
from agents.services import evals as evals_services
from tests.helpers import run_worker

pytestmark = pytest.mark.django_db


def test_suites_cases_and_runs_are_found_only_under_their_agent(agent, make_agent, suite, user):
    assert [s.public_id for s in evals.eval_suites(agent)] == [suite.public_id]
    assert evals.eval_suites(agent)[0].case_total == 2
    assert evals.suite(suite.public_id, agent=agent) == suite
    with pytest.raises(UnknownReference):
        evals.suite(suite.public_id, agent=make_agent("Other"))
    first = suite.cases.order_by("id").first()
    assert evals.case(suite, first.public_id) == first
    started = evals_services.start_eval_run(suite=suite, target="draft", user=user)
    assert evals.run(started.public_id, agent=agent) == started
    with pytest.raises(UnknownReference):
        evals.run(started.public_id, agent=make_agent("Third"))


def test_a_run_may_target_the_draft_each_version_and_recent_revisions(agent, make_version):
    make_version(agent)
    values = [value for value, _ in evals.run_targets(agent)]
    assert values[:2] == ["draft", "1"]
    assert any(value.startswith("r") for value in values)


def test_the_gate_names_each_suite_without_a_passing_run(agent, make_version, suite, user):
    version = make_version(agent)
    [finding] = evals.gate_findings(agent=agent, version=version)
    assert suite.name in finding
    evals_services.start_eval_run(suite=suite, target=str(version.number), user=user)
    run_worker()
    assert evals.gate_findings(agent=agent, version=version) != [finding]  # ran now
