"""Channels in the admin: read with their routing history, never changed there."""

import pytest
from django.urls import reverse

from agents.services import channels

pytestmark = pytest.mark.django_db


def test_support_reads_a_channel_and_its_routing_history(admin_client, agent, history, user):
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    listing = admin_client.get(reverse("admin:agents_channel_changelist"))
    assert "Main line" in listing.content.decode()
    detail = admin_client.get(reverse("admin:agents_channel_change", args=[channel.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    history_page = admin_client.get(reverse("admin:agents_channel_history", args=[channel.pk]))
    assert history_page.status_code == 200
    assert admin_client.get(reverse("admin:agents_channel_add")).status_code == 403
