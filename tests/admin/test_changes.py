"""Changes in the admin: listed read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_support_lists_changes_and_cannot_add_one(admin_client, agent, history):
    page = admin_client.get(reverse("admin:agents_change_changelist"))
    assert page.status_code == 200
    assert "release" in page.content.decode()
    assert admin_client.get(reverse("admin:agents_change_add")).status_code == 403
