"""`GET /agents/{id}/presence`: the last minute's viewers of the draft and branches."""

import pytest

from agents.services import presence

pytestmark = pytest.mark.django_db


def test_lists_who_is_here(api, agent, user):
    presence.heartbeat(agent=agent, user=user, where="draft:b", editing=True)
    (row,) = api.get(f"/agents/{agent.public_id}/presence").json()["data"]
    assert (row["user"], row["where"], row["editing"]) == (user.username, "draft:b", True)
