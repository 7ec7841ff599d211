"""Changes in the admin: listed read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_support_lists_changes_and_cannot_add_one(admin_client, agent, history):
    page = admin_client.get(reverse("admin:agents_change_changelist"))
    assert page.status_code == 200
    assert "release" in page.content.decode()
    assert admin_client.get(reverse("admin:agents_change_add")).status_code == 403


def test_support_sees_the_nodes_holding_stream_subscribers(admin_client):
    from agents.models import StreamNode

    StreamNode.objects.create(name="web-1:42:abc", listening={"*": 3}, pushed={"7": 3})
    page = admin_client.get(reverse("admin:agents_streamnode_changelist"))
    assert page.status_code == 200
    assert "web-1:42:abc" in page.content.decode()
    assert admin_client.get(reverse("admin:agents_streamnode_add")).status_code == 403
