"""Rollouts and alerts in the admin: read-only, acknowledging through the service."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from agents.models import Alert, Rollout
from agents.services import channels, releases, rollouts

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_back(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(channel=channel, candidate=v2, user=user)
    rollouts.abort_rollout(rollout=rollout, user=user, reason="sounds off")
    return Alert.objects.create(
        agent=agent,
        kind="rollout_rolled_back",
        version=v2,
        rollout=rollout,
        metric="completion_rate",
        detail="worse",
    )


def test_rollouts_and_alerts_are_listed_and_read_only(client, make_user, rolled_back):
    client.force_login(make_user(superuser=True))
    for name in ("rollout", "alert"):
        page = client.get(reverse(f"admin:agents_{name}_changelist"), {"q": "Main"})
        assert page.status_code == 200
    rollout = Rollout.objects.get()
    page = client.get(reverse("admin:agents_rollout_change", args=[rollout.pk])).content
    assert b"sounds off" in page  # the timeline inline
    assert client.get(reverse("admin:agents_rollout_add")).status_code == 403
    delete = reverse("admin:agents_alert_delete", args=[rolled_back.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Alert.objects.count() == 1


def test_acknowledging_in_the_admin_goes_through_the_service(client, make_user, rolled_back):
    url = reverse("admin:agents_alert_changelist")
    body = {"action": "acknowledge", "_selected_action": [rolled_back.pk]}
    viewer = make_user("Viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_alert"))
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    client.post(url, body)  # the action is not offered to a Viewer: nothing happens
    rolled_back.refresh_from_db()
    assert rolled_back.acked_at is None
    support = make_user(superuser=True)
    client.force_login(support)
    client.post(url, body)
    rolled_back.refresh_from_db()
    assert rolled_back.acked_by == support
