"""Reads of alerts: open first by agent, one by id, the badge's count, and the releases
still worth watching for a regression."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.domain.exceptions import UnknownReference
from agents.models import Alert, ReleaseEvent
from agents.selectors import alerts
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_alerts_are_filtered_by_agent_and_open_and_counted(agent, make_agent, make_version, user):
    v1 = make_version(agent)
    raised = Alert.objects.create(
        agent=agent,
        kind=Alert.Kind.VERSION_REGRESSION,
        version=v1,
        metric="completed",
        detail="completed fell from 80% to 60%",
    )
    Alert.objects.create(
        agent=agent,
        kind=Alert.Kind.VERSION_REGRESSION,
        version=v1,
        metric="failed",
        detail="failed rose",
        acked_at=timezone.now(),
        acked_by=user,
    )
    assert alerts.open_alert_count() == 1
    assert list(alerts.alerts(agent=agent.public_id, open_only=True)) == [raised]
    assert list(alerts.alerts(agent=make_agent("Other").public_id)) == []
    assert alerts.alert(raised.public_id) == raised
    with pytest.raises(UnknownReference):
        alerts.alert("al_nothinghere")


def test_a_release_that_replaced_a_version_is_watched_until_replaced(agent, make_version, user):
    v1, v2, v3 = make_version(agent), make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)  # replaced nothing: nothing to compare
    now = timezone.now()
    assert list(alerts.releases_to_watch(now=now, watch_days=7)) == []
    releases.release_version(version=v2, user=user)
    watched = list(alerts.releases_to_watch(now=timezone.now(), watch_days=7))
    assert [event.version for event in watched] == [v2]
    releases.release_version(version=v3, user=user)
    later = timezone.now()
    assert [e.version for e in alerts.releases_to_watch(now=later, watch_days=7)] == [v3]
    too_late = later + timedelta(days=8)
    assert list(alerts.releases_to_watch(now=too_late, watch_days=7)) == []
    assert ReleaseEvent.objects.count() == 3
