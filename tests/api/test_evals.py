"""The eval API: suites, cases, runs, results, comparison, and the release gate over HTTP."""

import pytest

from agents.models import EvalCase, EvalRun, EvalSuite, ReleaseEvent
from agents.services import agents, evals
from tests.helpers import edit, error, run_worker

pytestmark = pytest.mark.django_db

CASE = {
    "name": "offers the booking tool",
    "messages": [{"role": "user", "content": "Can I come on Tuesday?"}],
    "checks": [
        {"type": "contains", "value": "tools available: book"},
        {"type": "regex", "value": "^You said"},
        {"type": "latency_ms", "value": 5000},
    ],
}
BOOKING = {"tools": [{"name": "book", "url": "https://x.example/book"}]}


@pytest.fixture
def suite_id(api, agent):
    response = api.post(f"/agents/{agent.public_id}/suites", {"name": "Booking", "cases": [CASE]})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_suite_is_created_with_its_cases_and_listed(api, agent, suite_id):
    body = api.get(f"/suites/{suite_id}").json()
    assert body["agent"] == agent.public_id
    assert body["revision"] == 1
    assert [c["name"] for c in body["cases"]] == ["offers the booking tool"]
    assert body["cases"][0]["id"].startswith("ec_")
    assert body["cases"][0]["checks"][0] == {"type": "contains", "value": "tools available: book"}
    listed = api.get(f"/agents/{agent.public_id}/suites").json()
    assert [s["id"] for s in listed["data"]] == [suite_id]
    assert listed["data"][0]["case_count"] == 1
    assert listed["data"][0]["latest_run"] is None
    assert listed["next"] is None


def test_cases_are_added_edited_and_deleted(api, suite_id):
    added = api.post(f"/suites/{suite_id}/cases", {**CASE, "name": "second"})
    assert added.status_code == 201
    case_id = added.json()["id"]
    patched = api.patch(f"/suites/{suite_id}/cases/{case_id}", {"name": "renamed"})
    assert patched.json()["name"] == "renamed"
    assert patched.json()["messages"] == CASE["messages"]
    assert api.delete(f"/suites/{suite_id}/cases/{case_id}").status_code == 204
    body = api.get(f"/suites/{suite_id}").json()
    assert [c["name"] for c in body["cases"]] == ["offers the booking tool"]
    assert body["revision"] == 4  # added, edited, deleted


@pytest.mark.parametrize(
    ("case", "path"),
    [
        ({**CASE, "name": ""}, "name"),
        ({**CASE, "messages": []}, "messages"),
        ({**CASE, "checks": [{"type": "regex", "value": "(unclosed"}]}, "checks[0].value"),
        ({**CASE, "checks": [{"type": "sql", "value": "x"}]}, "checks[0].type"),
        ({**CASE, "extra": 1}, "extra"),
    ],
)
def test_bad_cases_are_422_with_paths_and_change_nothing(api, suite_id, case, path):
    response = api.post(f"/suites/{suite_id}/cases", case)
    details = error(response, 422, "validation_error")["details"]
    assert any(path in d["path"] for d in details), details
    assert EvalCase.objects.count() == 1
    assert EvalSuite.objects.get(public_id=suite_id).revision == 1


def test_a_suite_with_a_bad_case_is_not_created(api, agent):
    response = api.post(
        f"/agents/{agent.public_id}/suites",
        {"name": "Broken", "cases": [CASE, {**CASE, "checks": [{"type": "regex", "value": "("}]}]},
    )
    details = error(response, 422, "validation_error")["details"]
    assert details[0]["path"] == "cases[1].checks[0].value"
    assert not EvalSuite.objects.exists()


def test_a_run_is_started_polled_and_read(api, agent, user, suite_id):
    edit(agent, BOOKING, user=user)
    started = api.post(f"/suites/{suite_id}/runs", {"target": "draft"})
    assert started.status_code == 202, started.content
    run = started.json()
    assert (run["status"], run["target"], run["version"], run["cases"]) == (
        "queued",
        "draft",
        None,
        1,
    )
    assert api.get(f"/runs/{run['id']}").json()["results"] == []

    run_worker()

    body = api.get(f"/runs/{run['id']}").json()
    assert (body["status"], body["done"], body["passed"], body["failed"]) == ("passed", 1, 1, 0)
    assert body["provider"] == "echo"
    result = body["results"][0]
    assert result["case"].startswith("ec_")
    assert result["reply"] == "You said: Can I come on Tuesday? (tools available: book)"
    assert [c["passed"] for c in result["checks"]] == [True, True, True]
    assert result["prompt_tokens"] > 0
    listed = api.get(f"/suites/{suite_id}/runs").json()["data"]
    assert [r["id"] for r in listed] == [run["id"]]
    assert api.get(f"/suites/{suite_id}").json()["latest_run"]["status"] == "passed"


def test_runs_against_unknown_or_malformed_targets_are_404(api, suite_id):
    error(api.post(f"/suites/{suite_id}/runs", {"target": 7}), 404, "not_found")
    error(api.post(f"/suites/{suite_id}/runs", {"target": "newest"}), 404, "not_found")
    error(api.get("/runs/er_aaaaaaaaaa"), 404, "not_found")
    error(api.get("/suites/es_aaaaaaaaaa"), 404, "not_found")
    assert not EvalRun.objects.exists()


def test_starting_a_run_is_idempotent_with_a_key(api, suite_id):
    headers = {"Idempotency-Key": "run-1"}
    first = api.post(f"/suites/{suite_id}/runs", {"target": "draft"}, headers=headers)
    again = api.post(f"/suites/{suite_id}/runs", {"target": "draft"}, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert EvalRun.objects.count() == 1


def test_compare_shows_regressions_between_two_versions(api, agent, user, suite_id, make_version):
    good = make_version(agent, BOOKING)
    bad = make_version(agent, {"tools": None})
    for version in (good, bad):
        api.post(f"/suites/{suite_id}/runs", {"target": version.number})
    run_worker()
    body = api.get(f"/suites/{suite_id}/compare?from=v{good.number}&to={bad.number}").json()
    assert body["from"]["target"] == good.label
    assert body["to"]["target"] == bad.label
    assert body["regressions"] == 1
    assert body["fixed"] == 0
    (row,) = body["cases"]
    assert (row["regression"], row["from"]["passed"], row["to"]["passed"]) == (True, True, False)
    nothing = api.get(f"/suites/{suite_id}/compare?from=draft&to=released")
    error(nothing, 409, "agent_not_published")  # nothing is released


def test_roles_viewers_read_editors_write(make_api, suite_id):
    viewer = make_api("Viewer")
    assert viewer.get(f"/suites/{suite_id}").status_code == 200
    error(viewer.post(f"/suites/{suite_id}/runs", {"target": "draft"}), 403, "permission_denied")
    error(viewer.post(f"/suites/{suite_id}/cases", CASE), 403, "permission_denied")
    error(viewer.patch(f"/suites/{suite_id}", {"name": "x"}), 403, "permission_denied")
    error(make_api().get(f"/suites/{suite_id}", token="nope"), 401, "unauthenticated")


# ------------------------------------------------------------------ the gate over HTTP


def test_the_gate_is_a_releasers_setting(make_api, agent):
    editor = make_api("Editor")
    error(
        editor.patch(f"/agents/{agent.public_id}", {"require_passing_eval": True}),
        403,
        "permission_denied",
    )
    releaser = make_api("Releaser")
    body = releaser.patch(f"/agents/{agent.public_id}", {"require_passing_eval": True}).json()
    assert body["require_passing_eval"] is True
    assert releaser.patch(f"/agents/{agent.public_id}", {"name": "x"}).json()["name"] == "x"


def test_a_gated_release_is_409_with_findings_until_overridden(
    api, agent, user, suite_id, make_version
):
    version = make_version(agent)
    api.patch(f"/agents/{agent.public_id}", {"require_passing_eval": True})
    refused = api.post(f"/agents/{agent.public_id}/release", {"version": version.number})
    body = error(refused, 409, "eval_gate_failed")
    assert body["details"]["findings"] == [f"“Booking” has no finished run on {version.label}"]
    assert not ReleaseEvent.objects.exists()

    released = api.post(
        f"/agents/{agent.public_id}/release",
        {"version": version.number, "gate_override_note": "Outage fix"},
    )
    assert released.status_code == 200, released.content
    event = released.json()["event"]
    assert event["gate_override_note"] == "Outage fix"
    assert event["gate_findings"] == body["details"]["findings"]
    logged = api.get(f"/agents/{agent.public_id}/releases").json()["data"][0]
    assert logged["gate_override_note"] == "Outage fix"


def test_a_passing_run_opens_the_gate(api, agent, user, suite_id, make_version):
    version = make_version(agent, BOOKING)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    api.post(f"/suites/{suite_id}/runs", {"target": f"v{version.number}"})
    run_worker()
    released = api.post(f"/agents/{agent.public_id}/release", {"version": version.number})
    assert released.status_code == 200, released.content
    assert released.json()["event"]["gate_findings"] == []


def test_listing_suites_costs_the_same_queries_for_few_and_many(
    api, agent, user, suite_id, django_assert_max_num_queries
):
    evals.start_eval_run(suite=EvalSuite.objects.get(public_id=suite_id), target="draft", user=user)
    with django_assert_max_num_queries(10) as few:
        api.get(f"/agents/{agent.public_id}/suites")
    for i in range(5):
        suite = evals.create_eval_suite(agent=agent, name=f"Suite {i}", user=user)
        if i % 2:
            evals.add_eval_case(
                suite=suite, name="c", messages=[{"role": "user", "content": "x"}], user=user
            )
            evals.start_eval_run(suite=suite, target="draft", user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(f"/agents/{agent.public_id}/suites").json()["data"]) == 6
