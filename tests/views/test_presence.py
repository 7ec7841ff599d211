"""Presence on the agent page: the heartbeat answers who else is here and whether
someone saved since the page loaded."""

import pytest
from django.test import Client

from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_heartbeats_show_the_others_and_a_save_since(
    client, operator_client, agent, user, make_user
):
    page = operator_client.get(f"/agents/{agent.public_id}/").content.decode()
    assert "data-presence" in page
    loaded = agent.draft.revision
    ann = make_user("Editor", username="ann")
    client = Client()
    client.force_login(ann)
    client.post(f"/agents/{agent.public_id}/presence/", {"where": "draft", "editing": "1"})
    edit(agent, {"llm": {"temperature": 0.2}}, user=ann)
    answer = operator_client.post(
        f"/agents/{agent.public_id}/presence/", {"where": "draft", "revision": str(loaded)}
    ).content.decode()
    assert "Also here: <strong>ann</strong> (editing)" in answer
    assert f"ann saved r{loaded + 1}" in answer
    bad = operator_client.post(f"/agents/{agent.public_id}/presence/", {"where": "v1"})
    assert bad.status_code in (400, 422)
