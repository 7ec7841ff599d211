"""Heartbeats: one row per viewer and place, refreshed; bad places refused."""

import pytest

from agents.domain.exceptions import InvalidInput
from agents.models import Presence
from agents.services import presence

pytestmark = pytest.mark.django_db


def test_a_heartbeat_is_kept_once_and_refreshed(agent, user):
    presence.heartbeat(agent=agent, user=user)
    first = Presence.objects.get()
    presence.heartbeat(agent=agent, user=user, editing=True)
    again = Presence.objects.get()
    assert again.pk == first.pk
    assert again.editing
    assert again.seen_at >= first.seen_at
    presence.heartbeat(agent=agent, user=user, where="draft:x")
    assert Presence.objects.count() == 2
    with pytest.raises(InvalidInput):
        presence.heartbeat(agent=agent, user=user, where="v3")
