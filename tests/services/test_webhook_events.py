"""Which changes are webhook events: every row that records a change emits its event in
the same transaction, whichever service made it."""

import pytest

from agents.models import Delivery
from agents.services import labels, releases, webhooks
from tests.helpers import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(user):
    return webhooks.create_webhook(
        url="https://hooks.example.com/in",
        events=["version.saved", "release", "rollback", "label.moved", "draft.updated"],
        user=user,
    )


def test_each_change_is_announced_with_what_it_says(agent, make_version, user, everything):
    edit(agent, {"prompt": {"welcome_message": "Hi"}}, user=user)
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v2, user=user)
    releases.release_version(version=v1, user=user)
    labels.move_label(agent=agent, name="staging", version=v2, user=user)
    events = list(Delivery.objects.order_by("id").values_list("event", flat=True))
    assert events[0] == "draft.updated"
    assert {"version.saved", "release", "rollback", "label.moved"} <= set(events)
    rollback = Delivery.objects.get(event="rollback").payload
    assert (rollback["data"]["version"], rollback["data"]["previous_version"]) == (1, 2)
    assert rollback["data"]["agent"]["id"] == agent.public_id
