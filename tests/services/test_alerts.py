"""After a release the released version is compared with the one it replaced on
every metric with data, with the rollouts' rule: a significant worsening raises one
`version_regression` alert."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents.domain.exceptions import InvalidState
from agents.models import Alert, ReleaseEvent
from agents.services import alerts, releases
from tests.helpers import calls, ended

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_samples(settings):
    settings.REGRESSION_MIN_CONVERSATIONS = 40
    settings.ROLLOUT_EVAL_DEBOUNCE_S = 0
    settings.REGRESSION_CHECK_DEBOUNCE_S = 0


@pytest.fixture
def released(agent, make_version, user):
    """v1 released with 100 conversations at 80% completed, then v2 released."""
    v1, v2 = make_version(agent), make_version(agent, name="Shorter greeting")
    releases.release_version(version=v1, user=user)
    calls(agent, user, 100, 0.8)
    releases.release_version(version=v2, user=user)
    return v1, v2


def test_a_worse_release_raises_one_alert_as_conversations_end(
    agent, user, released, django_capture_on_commit_callbacks
):
    v1, v2 = released
    calls(agent, user, 100, 0.5, commits=django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.kind, alert.version, alert.baseline_version) == ("version_regression", v2, v1)
    assert alert.metric == "completion_rate"
    assert "50.0% vs 80.0%" in alert.detail
    # raised as soon as the evidence sufficed: the 40th conversation
    assert "20 of 40 conversations since the release; 80 of 100 on v1" in alert.detail
    assert alerts.run_regression_checks() == []  # one alert per release
    assert Alert.objects.count() == 1


def test_too_few_conversations_raise_nothing_yet(agent, user, released):
    calls(agent, user, 39, 0.3)
    assert alerts.run_regression_checks() == []  # 39 < 40: not evidence yet
    calls(agent, user, 1, 0.3)
    assert len(alerts.run_regression_checks()) == 1


def test_an_equal_release_raises_nothing(agent, user, released):
    calls(agent, user, 200, 0.8)
    assert alerts.run_regression_checks() == []
    assert not Alert.objects.exists()


def test_only_the_live_release_is_watched_and_only_for_the_watch_window(
    agent, user, released, make_version, settings
):
    calls(agent, user, 100, 0.5)
    later = timezone.now() + timedelta(days=settings.REGRESSION_WATCH_DAYS, minutes=1)
    assert alerts.run_regression_checks(now=later) == []
    v3 = make_version(agent)
    releases.release_version(version=v3, user=user)  # v2 is no longer live
    assert alerts.run_regression_checks() == []
    assert not Alert.objects.exists()


def test_the_worker_timer_raises_it_too_and_releasers_acknowledge_it_once(
    agent, user, released, make_user
):
    calls(agent, user, 100, 0.5)
    [line] = alerts.run_regression_checks()
    alert = Alert.objects.get()
    assert line == f"{alert.public_id} v2 regressed"
    with pytest.raises(PermissionDenied):
        alerts.ack_alert(alert=alert, user=make_user("Editor"))
    acked = alerts.ack_alert(alert=alert, user=user)
    assert acked.acked_by == user
    assert acked.acked_at is not None
    with pytest.raises(InvalidState):
        alerts.ack_alert(alert=alert, user=user)


def test_a_release_that_answers_slower_is_flagged_on_latency(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    releases.release_version(version=v2, user=user)
    release = ReleaseEvent.objects.filter(version=v2).latest("released_at")
    before = release.released_at - timedelta(days=1)
    after = timezone.now()
    ended(v1, [{"latency_ms": 800.0 + i % 7} for i in range(150)], at=before)
    ended(v2, [{"latency_ms": 1300.0 + i % 7} for i in range(150)], at=after)
    alert = alerts.check_release(release)
    assert alert.metric == "latency_ms"
    assert "latency 1,303 ms vs 803 ms (geometric mean): worse by 500 ms" in alert.detail
    assert Alert.objects.count() == 1
