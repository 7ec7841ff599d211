"""Versions in the admin: the release action asks first and calls the service, for
Releasers only."""

import pytest
from django.urls import reverse

from agents.models import ReleaseEvent

pytestmark = pytest.mark.django_db


def test_the_release_action_asks_first_then_calls_the_service(admin_client, agent, history):
    v1, _ = history
    url = reverse("admin:agents_publishedversion_changelist")
    asked = admin_client.post(url, {"action": "release", "_selected_action": [v1.pk]})
    assert asked.status_code == 200
    assert "Roll back to v1 of Support line?" in asked.content.decode()
    assert ReleaseEvent.objects.count() == 1  # nothing released yet
    response = admin_client.post(
        url,
        {"action": "release", "_selected_action": [v1.pk], "confirm": "yes"},
        follow=True,
    )
    assert b"Rollback" in response.content
    agent.refresh_from_db()
    assert agent.released_version == v1
    assert ReleaseEvent.objects.filter(version=v1, kind="rollback").exists()


def test_the_release_action_needs_exactly_one_version(admin_client, agent, history):
    v1, v2 = history
    response = admin_client.post(
        reverse("admin:agents_publishedversion_changelist"),
        {"action": "release", "_selected_action": [v1.pk, v2.pk]},
        follow=True,
    )
    assert b"Select exactly one version" in response.content
    assert ReleaseEvent.objects.count() == 1


def test_the_release_action_is_offered_only_to_releasers(client, make_user, history):
    editor = make_user("Editor", is_staff=True)
    client.force_login(editor)
    response = client.get(reverse("admin:agents_publishedversion_changelist"))
    assert response.status_code == 200
    assert b"Release this version" not in response.content
    v1, _ = history
    client.post(
        reverse("admin:agents_publishedversion_changelist"),
        {"action": "release", "_selected_action": [v1.pk]},
    )
    assert ReleaseEvent.objects.count() == 1
