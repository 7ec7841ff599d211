"""Agents in the admin: filtered by status, linked to the console, added and edited through
the services, archived never deleted."""

import pytest
from django.urls import reverse

from agents.models import Agent
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_the_agent_list_filters_by_status(admin_client, make_agent, history):
    make_agent("Never released")
    response = admin_client.get(reverse("admin:agents_agent_changelist"), {"status": "unpublished"})
    assert b"Never released" in response.content
    assert b"Support line" not in response.content
    response = admin_client.get(
        reverse("admin:agents_agent_changelist"), {"status": "unpublished_changes"}
    )
    assert b"Support line" in response.content


def test_agents_have_a_history_page(admin_client, agent, history):
    response = admin_client.get(reverse("admin:agents_agent_history", args=[agent.pk]))
    assert response.status_code == 200
    assert b"Release v2" in response.content


def test_an_agent_links_to_its_console_page_and_the_admin_has_an_icon(admin_client, agent):
    console = reverse("agents:detail", args=[agent.public_id])
    listing = admin_client.get(reverse("admin:agents_agent_changelist")).content.decode()
    assert f'<a href="{console}">Open in the console</a>' in listing
    change = admin_client.get(reverse("admin:agents_agent_change", args=[agent.pk]))
    assert f'href="{console}"' in change.content.decode()
    assert 'rel="icon"' in change.content.decode()
    assert admin_client.get("/favicon.ico")["Location"].endswith("favicon.svg")


def test_adding_and_editing_an_agent_in_the_admin_goes_through_the_services(admin_client):
    response = admin_client.post(
        reverse("admin:agents_agent_add"), {"name": "From admin", "description": "x"}
    )
    assert response.status_code == 302
    agent = Agent.objects.get(name="From admin")
    assert agent.draft.revision == 1
    assert agent.public_id.startswith("ag_")
    admin_client.post(
        reverse("admin:agents_agent_change", args=[agent.pk]),
        {"name": "Renamed in admin", "description": "y"},
    )
    agent.refresh_from_db()
    assert agent.name == "Renamed in admin"
    assert not agent.versions.exists()


def test_an_agent_has_no_delete_but_can_be_archived(admin_client, agent, history):
    assert (
        admin_client.get(reverse("admin:agents_agent_delete", args=[agent.pk])).status_code == 403
    )
    admin_client.post(
        reverse("admin:agents_agent_changelist"),
        {"action": "archive", "_selected_action": [agent.pk]},
    )
    agent.refresh_from_db()
    assert agent.archived_at is not None


def test_an_invalid_agent_name_is_refused_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:agents_agent_add"), {"name": "", "description": ""})
    assert response.status_code == 200
    assert not Agent.objects.exists()


def test_editing_draft_through_the_admin_is_not_possible(admin_client, agent, user):
    edit(agent, {"llm": {"temperature": 1.0}}, user=user)
    url = reverse("admin:agents_draft_change", args=[agent.draft.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"revision": 99}).status_code == 403
