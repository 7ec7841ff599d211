"""Eval suites, background runs, the release gate and the playground, through the services."""

import pytest

from agents.domain import checks as checks_domain
from agents.domain.exceptions import (
    InvalidInput,
    ReleaseGateFailed,
)
from agents.forms import cases
from agents.models import ReleaseEvent
from agents.providers import Completion
from agents.services import agents, releases, versions
from agents.services import evals as evals_services
from tests.helpers import BOOKING, edit, run_worker

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ checks


def test_checks_report_each_outcome_with_a_reason():
    completion = Completion("You said: hi (tools available: book)", "echo", "m", 12.0, 3, 5)
    checks = [
        {"type": "contains", "value": "BOOK"},
        {"type": "not_contains", "value": "hi"},
        {"type": "regex", "value": r"tools? available"},
        {"type": "latency_ms", "value": 10},
        {"type": "output_schema", "value": None},
    ]
    results = checks_domain.evaluate(checks, completion, {"output_schema": None})
    assert [r.passed for r in results] == [True, False, True, False, False]
    assert results[1].message == "contains “hi”"
    assert results[3].message == "12 ms (limit 10 ms)"
    assert results[4].message == "this configuration has no output_schema"


def test_output_schema_check_uses_the_configurations_schema():
    schema = {"type": "object", "required": ["slot"], "properties": {"slot": {"type": "string"}}}
    good = Completion('{"slot": "9:00"}', "echo", "m", 1.0, 1, 1)
    bad = Completion('{"slot": 9}', "echo", "m", 1.0, 1, 1)
    check = [{"type": "output_schema", "value": None}]
    assert checks_domain.evaluate(check, good, {"output_schema": schema})[0].passed
    result = checks_domain.evaluate(check, bad, {"output_schema": schema})[0]
    assert not result.passed
    assert result.message.startswith("slot: 9 is not of type 'string'")


@pytest.mark.parametrize(
    ("case", "path"),
    [
        ({"name": "", "messages": [{"content": "hi"}]}, "name"),
        ({"name": "x", "messages": []}, "messages"),
        ({"name": "x", "messages": [{"role": "assistant", "content": "hi"}]}, "messages"),
        ({"name": "x", "messages": [{"role": "bot", "content": "hi"}]}, "messages[0].role"),
        ({"name": "x", "messages": [{"content": "a\x00"}]}, "messages[0].content"),
        (
            {"name": "x", "messages": [{"content": "hi"}], "checks": [{"type": "sql"}]},
            "checks[0].type",
        ),
        (
            {
                "name": "x",
                "messages": [{"content": "hi"}],
                "checks": [{"type": "regex", "value": "("}],
            },
            "checks[0].value",
        ),
        (
            {
                "name": "x",
                "messages": [{"content": "hi"}],
                "checks": [{"type": "latency_ms", "value": -1}],
            },
            "checks[0].value",
        ),
    ],
)
def test_bad_cases_are_refused_with_the_path_of_each_problem(suite, user, case, path):
    before = suite.cases.count()
    with pytest.raises(InvalidInput) as caught:
        evals_services.add_eval_case(suite=suite, user=user, **{"checks": [], **case})
    assert path in [p["path"] for p in caught.value.errors]
    assert suite.cases.count() == before
    suite.refresh_from_db()
    assert suite.revision == 1


def test_the_case_form_round_trips_messages_and_checks():
    text = "Hi\nassistant: Hello, how can I help?\nBook me in"
    messages = cases.messages_from_text(text)
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert cases.messages_to_text(messages) == text
    checks = cases.checks_from_form(
        {"contains": "a\nb", "regex": "^x", "output_schema": "on", "latency_ms": "800"}
    )
    assert checks == [
        {"type": "contains", "value": "a"},
        {"type": "contains", "value": "b"},
        {"type": "regex", "value": "^x"},
        {"type": "output_schema", "value": None},
        {"type": "latency_ms", "value": 800.0},
    ]
    form = cases.checks_to_form(checks)
    assert form["contains"] == "a\nb"
    assert form["output_schema"] is True
    assert form["latency_ms"] == "800"


# ------------------------------------------------------------------ runs


# ------------------------------------------------------------------ the release gate


@pytest.fixture
def gated(agent, suite, user, make_version):
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    agent.refresh_from_db()
    return agent


def test_without_the_gate_any_version_may_be_released(agent, suite, user, make_version):
    version = make_version(agent)
    event = releases.release_version(version=version, user=user)
    assert event.gate_findings == []


def test_the_gate_refuses_a_version_never_run_and_says_so(gated, suite, user, make_version):
    version = make_version(gated, BOOKING)
    with pytest.raises(ReleaseGateFailed) as caught:
        releases.release_version(version=version, user=user)
    assert caught.value.findings == [f"“Booking” has no finished run on {version.label}"]
    assert "cannot be released without a passing eval run" in caught.value.message
    gated.refresh_from_db()
    assert gated.released_version is None
    assert not ReleaseEvent.objects.exists()


def test_the_gate_lists_the_failed_cases(gated, suite, user, make_version):
    version = make_version(gated)
    evals_services.start_eval_run(suite=suite, target=version.number, user=user)
    run_worker()
    with pytest.raises(ReleaseGateFailed) as caught:
        releases.release_version(version=version, user=user)
    assert caught.value.findings == ["“Booking” failed 1 of 2 cases (mentions the booking tool)"]


def test_a_passing_draft_run_counts_for_the_version_saved_from_it(gated, suite, user):
    edit(gated, BOOKING, user=user)
    evals_services.start_eval_run(suite=suite, target="draft", user=user)
    run_worker()
    version = versions.save_version(agent=gated, name="Booking tool", user=user)
    event = releases.release_version(version=version, user=user)
    assert event.version == version
    assert event.gate_findings == []
    assert event.gate_override_note == ""


def test_changing_the_suite_asks_for_a_new_run(gated, suite, user, make_version):
    version = make_version(gated, BOOKING)
    evals_services.start_eval_run(suite=suite, target=version.number, user=user)
    run_worker()
    case = suite.cases.first()
    evals_services.update_eval_case(case=case, user=user, name="renamed")
    with pytest.raises(ReleaseGateFailed, match="changed since its last run"):
        releases.release_version(version=version, user=user)


def test_an_agent_without_suites_cannot_pass_the_gate(agent, user, make_version):
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    with pytest.raises(ReleaseGateFailed, match="no eval suites"):
        releases.release_version(version=make_version(agent), user=user)


def test_a_releaser_may_override_the_gate_with_a_note_recorded_on_the_event(
    gated, suite, user, make_version
):
    version = make_version(gated)
    with pytest.raises(InvalidInput, match="gate_override_note"):
        releases.release_version(version=version, user=user, gate_override_note="  ")
    event = releases.release_version(
        version=version, user=user, gate_override_note="Hotfix for the outage; evals tomorrow"
    )
    assert event.gate_override_note == "Hotfix for the outage; evals tomorrow"
    assert event.gate_findings == [f"“Booking” has no finished run on {version.label}"]


def test_the_gate_setting_is_kept_in_the_agents_history(agent, user):
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    record = agent.history.first()
    assert record.require_passing_eval is True
    assert record.history_change_reason == "Changed the release gate"
    with pytest.raises(InvalidInput):
        agents.update_agent(agent=agent, user=user, require_passing_eval="yes")


# ------------------------------------------------------------------ the playground
