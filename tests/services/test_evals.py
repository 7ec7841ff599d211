"""Eval suites, background runs, the release gate and the playground, through the services."""

import pytest

from agents.domain import checks as checks_domain
from agents.domain.exceptions import (
    ConversationEnded,
    InvalidInput,
    ProviderFailed,
    ReleaseGateFailed,
)
from agents.forms import cases
from agents.models import ConfigSnapshot, Conversation, EvalRun, ReleaseEvent, Turn
from agents.providers import Completion, ProviderError
from agents.services import agents, conversations, eval_runner, playground, releases, versions
from agents.services import eval_runner as eval_runner_services
from agents.services import evals as evals_services
from tests.helpers import edit, run_worker

pytestmark = pytest.mark.django_db

BOOKING = {"tools": [{"name": "book", "url": "https://x.example/book", "description": "Book"}]}


@pytest.fixture
def suite(agent, user):
    return evals_services.create_eval_suite(
        agent=agent,
        name="Booking",
        user=user,
        cases=[
            {
                "name": "mentions the booking tool",
                "messages": [{"role": "user", "content": "Can I book Tuesday?"}],
                "checks": [
                    {"type": "contains", "value": "tuesday"},
                    {"type": "contains", "value": "tools available: book"},
                    {"type": "latency_ms", "value": 5000},
                ],
            },
            {
                "name": "never promises refunds",
                "messages": [{"role": "user", "content": "Hello"}],
                "checks": [{"type": "not_contains", "value": "refund"}],
            },
        ],
    )


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


class Flaky:
    name = "flaky"

    def __init__(self):
        self.calls = 0

    def complete(self, *, config, messages):
        self.calls += 1
        if self.calls == 1:
            raise ProviderError("timeout", "The provider did not answer within 30 s.")
        return Completion("fine, book it", "flaky", "m", 5.0, 1, 3)


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


def test_a_playground_session_is_bound_like_any_conversation(agent, user):
    edit(agent, {"prompt": {"welcome_message": "Welcome!"}, **BOOKING}, user=user)
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    assert conversation.playground
    agent.draft.refresh_from_db()
    assert conversation.snapshot == ConfigSnapshot.objects.get(
        content_hash=agent.draft.content_hash
    )
    assert [t.content for t in conversation.turns.all()] == ["Welcome!"]

    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    asked, answered = playground.send_playground_message(
        conversation=conversation, text="Book Tuesday", user=user
    )
    assert (asked.position, answered.position) == (2, 3)
    assert answered.content == "You said: Book Tuesday (tools available: book)"
    assert answered.latency_ms >= 0
    assert answered.prompt_tokens > 0
    assert answered.provider == "echo"
    agent.draft.refresh_from_db()
    assert conversation.content_hash != agent.draft.content_hash  # still the draft it started on


def test_the_playground_can_talk_to_any_version(agent, user, make_version):
    v1 = make_version(agent, {"prompt": {"welcome_message": "v1 says hi"}})
    edit(agent, {"prompt": {"welcome_message": "draft says hi"}}, user=user)
    conversation = playground.start_playground(agent=agent, target=1, user=user)
    assert conversation.version == v1
    assert conversation.turns.get().content == "v1 says hi"


def test_a_provider_failure_in_the_playground_records_nothing(agent, user):
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    before = Turn.objects.count()
    with pytest.raises(ProviderFailed, match="timeout"):
        playground.send_playground_message(
            conversation=conversation, text="hi", user=user, provider=Flaky()
        )
    assert Turn.objects.count() == before
    with pytest.raises(InvalidInput):
        playground.send_playground_message(conversation=conversation, text="  ", user=user)


def test_playground_sessions_stay_out_of_analytics(agent, user, make_version):
    from agents.selectors import conversations as conversations_selectors

    version = make_version(agent)
    releases.release_version(version=version, user=user)
    playground.start_playground(agent=agent, target="released", user=user)
    assert conversations_selectors.version_stats(agent) == []
    conversations.start_conversation(ref=agent.public_id, user=user)
    assert [s.conversations for s in conversations_selectors.version_stats(agent)] == [1]


def test_an_ended_session_takes_no_more_messages(agent, user):
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    conversations.end_conversation(conversation=conversation, user=user, outcome="completed")
    conversation.refresh_from_db()
    with pytest.raises(ConversationEnded):
        playground.send_playground_message(conversation=conversation, text="hi", user=user)
    assert Conversation.objects.get(pk=conversation.pk).turns.count() == 1  # the welcome
