"""Console pages for the playground, eval suites, runs, comparison and the release gate."""

import json

import pytest

from agents.models import EvalCase, EvalRun, ReleaseEvent
from agents.services import agents, evals
from tests.helpers import HTMX, console_url, edit, run_worker

pytestmark = pytest.mark.django_db

BOOKING = {"tools": [{"name": "book", "url": "https://x.example/book"}]}


@pytest.fixture
def suite(agent, user):
    """One case the echo provider passes when the draft has the booking tool."""
    return evals.create_eval_suite(
        agent=agent,
        name="Booking",
        user=user,
        cases=[
            {
                "name": "offers the booking tool",
                "messages": [{"role": "user", "content": "Tuesday?"}],
                "checks": [{"type": "contains", "value": "tools available: book"}],
            }
        ],
    )


# ------------------------------------------------------------------ playground


# ------------------------------------------------------------------ suites and cases


def test_suites_are_listed_and_created(operator_client, agent, suite):
    page = operator_client.get(console_url("evals", agent)).content.decode()
    assert "Booking" in page
    assert "never run" in page
    response = operator_client.post(
        console_url("evals", agent), {"name": "Tone", "description": ""}
    )
    created = agent.eval_suites.get(name="Tone")
    assert response["Location"] == console_url("eval-suite", agent, created.public_id)
    bad = operator_client.post(console_url("evals", agent), {"name": " "}).content.decode()
    assert "Name is required" in bad


def test_a_case_is_added_from_the_form(operator_client, agent, suite):
    response = operator_client.post(
        console_url("eval-case-new", agent, suite.public_id),
        {
            "name": "greets",
            "messages": "Hello\nassistant: Hi!\nWho are you?",
            "contains": "you said",
            "not_contains": "refund\nlawsuit",
            "regex": r"^You",
            "latency_ms": "1500",
        },
        **HTMX,
    )
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"]) == {"caseSaved": {"message": "Saved case “greets”."}}
    case = suite.cases.get(name="greets")
    assert [m["role"] for m in case.messages] == ["user", "assistant", "user"]
    assert [c["type"] for c in case.checks] == [
        "contains",
        "not_contains",
        "not_contains",
        "regex",
        "latency_ms",
    ]


def test_a_bad_case_shows_the_error_by_its_field_and_saves_nothing(operator_client, agent, suite):
    page = operator_client.post(
        console_url("eval-case-new", agent, suite.public_id),
        {"name": "broken", "messages": "Hi", "regex": "(unclosed", "latency_ms": "soon"},
        **HTMX,
    ).content.decode()
    assert "not a valid regex" in page
    assert "must be a number of ms above 0" in page
    assert "(unclosed" in page  # the input is kept
    assert suite.cases.count() == 1


@pytest.mark.parametrize("latency", ["nan", "inf", "-inf", "1e400", "99999999999"])
def test_a_latency_that_is_no_finite_number_is_the_fields_error(
    operator_client, agent, suite, latency
):
    """`nan` read as a number was stored as JSON no database accepts (a 500)."""
    page = operator_client.post(
        console_url("eval-case-new", agent, suite.public_id),
        {"name": "slow", "messages": "Hi", "latency_ms": latency},
        **HTMX,
    )
    assert page.status_code == 200
    assert "must be a number of ms above 0" in page.content.decode()
    assert suite.cases.count() == 1


def test_a_case_is_edited_and_deleted(operator_client, agent, suite):
    case = suite.cases.get()
    form = operator_client.get(
        console_url("eval-case", agent, suite.public_id, case.public_id), **HTMX
    )
    assert "tools available: book" in form.content.decode()
    operator_client.post(
        console_url("eval-case", agent, suite.public_id, case.public_id),
        {"name": "renamed", "messages": "Tuesday?", "contains": "book"},
        **HTMX,
    )
    case.refresh_from_db()
    assert case.name == "renamed"
    delete = console_url("eval-case-delete", agent, suite.public_id, case.public_id)
    asked = operator_client.get(delete, **HTMX).content.decode()
    assert "Delete case “renamed”?" in asked
    assert EvalCase.objects.exists()
    response = operator_client.post(delete)
    assert response.status_code == 302
    assert not EvalCase.objects.exists()


# ------------------------------------------------------------------ runs


def test_a_run_started_in_the_page_shows_live_progress_then_results(
    operator_client, agent, user, suite
):
    edit(agent, BOOKING, user=user)
    panel = operator_client.post(
        console_url("eval-start-run", agent, suite.public_id), {"target": "draft"}, **HTMX
    ).content.decode()
    run = EvalRun.objects.get()
    assert run.public_id in panel
    assert "every 1s" in panel  # polls while a run is queued or running
    assert "Waiting for a worker" in panel
    run_page = operator_client.get(console_url("eval-run", agent, run.public_id)).content.decode()
    assert 'hx-trigger="every 1s"' in run_page

    run_worker()

    panel = operator_client.get(console_url("eval-runs-panel", agent, suite.public_id), **HTMX)
    assert "every 1s" not in panel.content.decode()
    fragment = operator_client.get(
        console_url("eval-run", agent, run.public_id), **HTMX
    ).content.decode()
    assert "every 1s" not in fragment
    assert "Passed" in fragment
    assert "You said: Tuesday? (tools available: book)" in fragment


def test_a_run_on_nothing_released_is_refused_with_the_reason(operator_client, agent, suite):
    panel = operator_client.post(
        console_url("eval-start-run", agent, suite.public_id), {"target": "released"}, **HTMX
    )
    assert panel.status_code == 200
    assert 'role="alert"' in panel.content.decode()
    assert not EvalRun.objects.exists()


def test_the_polled_runs_panel_reads_only_what_it_shows(
    operator_client, agent, user, suite, django_assert_max_num_queries
):
    evals.start_eval_run(suite=suite, target="draft", user=user)
    panel_url = console_url("eval-runs-panel", agent, suite.public_id)
    with django_assert_max_num_queries(8) as polled:
        assert "every 1s" in operator_client.get(panel_url, **HTMX).content.decode()
    sql = " ".join(q["sql"] for q in polled.captured_queries)
    assert "agents_evalcase" not in sql


def test_starting_a_run_without_js_opens_the_run_page(operator_client, agent, suite):
    response = operator_client.post(console_url("eval-start-run", agent, suite.public_id))
    run = EvalRun.objects.get()
    assert response["Location"] == console_url("eval-run", agent, run.public_id)


def test_the_run_page_costs_the_same_queries_for_few_and_many_cases(
    operator_client, agent, user, suite, django_assert_max_num_queries
):
    small = evals.start_eval_run(suite=suite, target="draft", user=user)
    for i in range(30):
        evals.add_eval_case(
            suite=suite, name=f"case {i}", messages=[{"role": "user", "content": "x"}], user=user
        )
    big = evals.start_eval_run(suite=suite, target="draft", user=user)
    run_worker()
    with django_assert_max_num_queries(12) as few:
        operator_client.get(console_url("eval-run", agent, small.public_id))
    with django_assert_max_num_queries(len(few.captured_queries)):
        operator_client.get(console_url("eval-run", agent, big.public_id))


def test_the_comparison_highlights_regressions(operator_client, agent, user, suite, make_version):
    good = make_version(agent, BOOKING)
    bad = make_version(agent, {"tools": None})
    for version in (good, bad):
        evals.start_eval_run(suite=suite, target=version.number, user=user)
    run_worker()
    page = operator_client.get(
        console_url("eval-compare", agent, suite.public_id) + f"?from={good.number}&to={bad.number}"
    ).content.decode()
    assert "1 regression</strong>" in page
    assert 'class="regression"' in page
    assert "missing “tools available: book”" in page


def test_the_history_panel_shows_each_versions_latest_pass_rate(
    operator_client, agent, user, suite, make_version
):
    good = make_version(agent, BOOKING)
    make_version(agent, {"tools": None})
    evals.start_eval_run(suite=suite, target=good.number, user=user)
    run_worker()
    panel = operator_client.get(console_url("history", agent), **HTMX).content.decode()
    assert panel.count('data-testid="eval-rate"') == 1
    assert "Evals 100% (1/1)" in panel


# ------------------------------------------------------------------ the release gate


def test_releasers_turn_the_gate_on_and_editors_cannot(client, make_user, agent):
    client.force_login(make_user("Editor"))
    assert (
        client.post(console_url("release-gate", agent), {"require_passing_eval": "on"}).status_code
        == 403
    )
    client.force_login(make_user("Releaser"))
    client.post(console_url("release-gate", agent), {"require_passing_eval": "on"})
    agent.refresh_from_db()
    assert agent.require_passing_eval


def test_the_release_dialog_lists_what_failed_and_takes_an_override_note(
    operator_client, agent, user, suite, make_version
):
    version = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    release_url = console_url("release", agent, version.number)
    dialog = operator_client.get(release_url, **HTMX).content.decode()
    assert "has no finished run on v1" in dialog
    assert "Release v1 anyway" in dialog

    refused = operator_client.post(release_url, {"note": ""}, **HTMX).content.decode()
    assert "cannot be released without a passing eval run" in refused
    assert not ReleaseEvent.objects.exists()

    done = operator_client.post(release_url, {"gate_override_note": "Customer escalation"}, **HTMX)
    assert done.status_code == 204
    event = ReleaseEvent.objects.get()
    assert event.gate_override_note == "Customer escalation"
    log = operator_client.get(console_url("releases", agent), **HTMX).content.decode()
    assert "Release gate overridden: Customer escalation" in log


def test_the_release_dialog_says_when_the_gate_passes(
    operator_client, agent, user, suite, make_version
):
    version = make_version(agent, BOOKING)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    evals.start_eval_run(suite=suite, target=version.number, user=user)
    run_worker()
    dialog = operator_client.get(
        console_url("release", agent, version.number), **HTMX
    ).content.decode()
    assert "every eval suite passed on v1" in dialog
    assert (
        operator_client.post(console_url("release", agent, version.number), **HTMX).status_code
        == 204
    )
