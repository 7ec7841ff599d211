"""Draft revisions in the admin: listed and shown read-only."""

import pytest
from django.urls import reverse

from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_draft_revisions_are_listed_and_shown_read_only(admin_client, agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    listed = admin_client.get(reverse("admin:agents_draftrevision_changelist")).content.decode()
    assert "r2" in listed
    assert "Edited" in listed
    revision = agent.revisions.get(number=2)
    url = reverse("admin:agents_draftrevision_change", args=[revision.pk])
    page = admin_client.get(url).content.decode()
    assert "llm.temperature" in page
    assert admin_client.post(url, {"reason": "rewritten"}).status_code == 403
    assert reverse("admin:agents_draftrevision_delete", args=[revision.pk]) not in page
    assert agent.revisions.get(number=2).reason == "Edited"
