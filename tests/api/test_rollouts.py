"""Rollouts and alerts through the API."""

import pytest

from agents.models import Rollout
from agents.services import alerts, channels, labels, releases, rollouts
from tests.helpers import calls, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(agent, make_version, user, settings):
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0
    settings.REGRESSION_CHECK_DEBOUNCE_S = 0
    v1, _v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    return channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)


def test_a_rollout_is_started_steered_and_read(api, line):
    body = {
        "candidate": {"version": 2},
        "steps": [10, 50, 100],
        "min_conversations": 50,
        "min_minutes": 0,
        "guard": {"metric": "completion_rate", "max_drop": 0.05},
    }
    started = api.post(f"/channels/{line.public_id}/rollouts", body)
    assert started.status_code == 201, started.content
    ro = started.json()
    assert (ro["status"], ro["weight"], ro["baseline"], ro["candidate"]) == (
        "running",
        10,
        "released",
        2,
    )
    assert set(ro["metrics"]) == {"baseline", "candidate"}
    error(api.post(f"/channels/{line.public_id}/rollouts", body), 409, "rollout_running")
    assert api.post(f"/rollouts/{ro['id']}/pause", {}).json()["status"] == "paused"
    error(api.post(f"/rollouts/{ro['id']}/pause", {}), 409, "invalid_state")
    assert api.post(f"/rollouts/{ro['id']}/resume", {}).json()["status"] == "running"
    assert api.post(f"/rollouts/{ro['id']}/advance", {}).json()["weight"] == 50
    aborted = api.post(f"/rollouts/{ro['id']}/abort", {}).json()
    assert (aborted["status"], aborted["weight"]) == ("aborted", 0)
    assert [e["kind"] for e in aborted["events"]] == [
        "started",
        "paused",
        "resumed",
        "advanced",
        "aborted",
    ]
    listed = api.get(f"/channels/{line.public_id}/rollouts").json()["data"]
    assert [r["id"] for r in listed] == [ro["id"]]


def test_bad_rollouts_are_refused_and_start_nothing(api, make_api, line):
    url = f"/channels/{line.public_id}/rollouts"
    for body in (
        {"candidate": {"version": 9}},
        {"candidate": {"version": 2}, "steps": [50, 10, 100]},
        {"candidate": {"version": 2}, "steps": [10, 50]},
        {"candidate": {"version": 2}, "guard": {"metric": "joy", "max_drop": 0.1}},
        {"candidate": {"version": 1}},
    ):
        response = api.post(url, body)
        assert response.status_code in (404, 422), (body, response.content)
    error(make_api("Editor").post(url, {"candidate": {"version": 2}}), 403, "permission_denied")
    assert not Rollout.objects.exists()


def test_alerts_are_listed_and_acknowledged_by_releasers(api, make_api, line, user):
    from agents.models import Alert

    rollout = rollouts.start_rollout(
        channel=line, candidate=line.agent.versions.get(number=2), user=user
    )
    alert = Alert.objects.create(
        agent=line.agent,
        kind="rollout_rolled_back",
        version=rollout.candidate,
        rollout=rollout,
        metric="completion_rate",
        detail="worse",
    )
    listed = api.get(f"/alerts?agent={line.agent.public_id}&open=true").json()["data"]
    assert [a["id"] for a in listed] == [alert.public_id]
    error(make_api("Editor").post(f"/alerts/{alert.public_id}/ack", {}), 403, "permission_denied")
    acked = api.post(f"/alerts/{alert.public_id}/ack", {}).json()
    assert acked["acked_by"] is not None
    error(api.post(f"/alerts/{alert.public_id}/ack", {}), 409, "invalid_state")
    assert api.get("/alerts?open=true").json()["data"] == []


@pytest.mark.parametrize("verb", ["pause", "advance", "abort"])
def test_only_releasers_steer_a_rollout_and_viewers_can_read_it(api, make_api, line, user, verb):
    rollout = rollouts.start_rollout(
        channel=line, candidate=line.agent.versions.get(number=2), user=user
    )
    viewer, editor = make_api("Viewer"), make_api("Editor")
    assert viewer.get(f"/rollouts/{rollout.public_id}").json()["status"] == "running"
    assert viewer.get("/alerts").status_code == 200
    for client in (viewer, editor):
        error(client.post(f"/rollouts/{rollout.public_id}/{verb}", {}), 403, "permission_denied")
    rollout.refresh_from_db()
    assert (rollout.status, rollout.step) == ("running", 0)
    error(api.post("/rollouts/ro_nothere/pause", {}), 404, "not_found")


def test_a_release_regression_is_listed_with_both_versions(api, line, user, settings):
    settings.REGRESSION_MIN_CONVERSATIONS = 20
    agent = line.agent
    calls(agent, user, 40, 0.9, failed="failed")
    releases.release_version(version=agent.versions.get(number=2), user=user)
    calls(agent, user, 40, 0.4, failed="failed")
    alerts.run_regression_checks()
    [alert] = api.get(f"/alerts?agent={agent.public_id}&open=true").json()["data"]
    assert (alert["kind"], alert["version"], alert["baseline_version"]) == (
        "version_regression",
        2,
        1,
    )
    assert alert["metric"] == "completion_rate"
    assert "40.0% vs 90.0%" in alert["detail"]


def test_a_channels_rollouts_cost_the_same_queries_for_1_or_12(
    api, line, user, django_assert_max_num_queries
):
    v2 = line.agent.versions.get(number=2)
    url = f"/channels/{line.public_id}/rollouts"

    def another():
        rollout = rollouts.start_rollout(channel=line, candidate=v2, user=user)
        rollouts.pause_rollout(rollout=rollout, user=user)
        rollouts.abort_rollout(rollout=rollout, user=user)

    another()
    with django_assert_max_num_queries(12) as one:
        assert len(api.get(url).json()["data"]) == 1
    for _ in range(11):
        another()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(url).json()["data"]) == 12


def test_evaluating_a_rollout_is_one_aggregate_query(line, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rollout = rollouts.start_rollout(
        channel=line, candidate=line.agent.versions.get(number=2), user=user
    )
    with CaptureQueriesContext(connection) as captured:
        rollouts.evaluate_rollout(rollout.pk)
    aggregates = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(aggregates) == 1
    assert len(captured) <= 5


def test_a_label_names_the_candidate_when_the_rollout_starts(api, line, user):
    v2 = line.agent.versions.get(number=2)
    labels.move_label(agent=line.agent, name="staging", version=v2, user=user)
    url = f"/channels/{line.public_id}/rollouts"
    error(api.post(url, {"candidate": {"label": "nightly"}}), 404, "not_found")
    started = api.post(url, {"candidate": {"label": "staging"}})
    assert started.status_code == 201, started.content
    assert started.json()["candidate"] == 2


def test_a_rollout_takes_guards_on_any_metric_and_shows_each_verdict(api, line):
    url = f"/channels/{line.public_id}/rollouts"
    guards = [
        {"metric": "completion_rate", "max_drop": 0.05},
        {"metric": "latency_ms", "max_increase": 250},
        {"metric": "score:polite", "max_drop": 0.1},
    ]
    both = {"candidate": {"version": 2}, "guard": {"metric": "completion_rate"}, "guards": guards}
    error(api.post(url, both), 422, "validation_error")
    wrong = {"candidate": {"version": 2}, "guards": [{"metric": "latency_ms", "max_drop": 9}]}
    assert error(api.post(url, wrong), 422, "validation_error")["details"][0]["path"] == (
        "guards.0.max_increase"
    )
    assert not Rollout.objects.exists()
    started = api.post(url, {"candidate": {"version": 2}, "guards": guards})
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["guards"] == [
        {"metric": "completion_rate", "max_drop": 0.05},
        {"metric": "latency_ms", "max_increase": 250.0},
        {"metric": "score:polite", "max_drop": 0.1},
    ]
    assert [(v["metric"], v["worse"], v["judged"]) for v in body["verdicts"]] == [
        ("completion_rate", False, False),
        ("latency_ms", False, False),
        ("score:polite", False, False),
    ]
    listed = api.get(url).json()["data"][0]
    assert len(listed["verdicts"]) == 3
