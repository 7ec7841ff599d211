"""Releasing: the pointer moves, the event is logged, a lower number is a rollback."""

import pytest

from agents.models import Agent, ReleaseEvent
from agents.services import releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_releasing_moves_the_pointer_and_logs_an_event(agent, make_version, user):
    v1 = make_version(agent)
    event = releases.release_version(version=v1, user=user, note="Go live")
    agent.refresh_from_db()
    assert agent.released_version == v1
    assert (event.kind, event.version, event.previous_version, event.released_by, event.note) == (
        "release",
        v1,
        None,
        user,
        "Go live",
    )


def test_releasing_the_released_version_again_is_a_no_op(agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    assert releases.release_version(version=v1, user=user) is None
    assert ReleaseEvent.objects.count() == 1


def test_releasing_an_older_version_records_a_rollback(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v2, user=user)
    event = releases.release_version(version=v1, user=user)
    assert (event.kind, event.previous_version, event.version) == ("rollback", v2, v1)
    v3 = make_version(agent)
    assert releases.release_version(version=v3, user=user).kind == "release"


def test_status_follows_the_hashes(agent, make_version, user):
    assert agent.status == "unpublished"
    v1 = make_version(agent)
    assert Agent.objects.get(pk=agent.pk).status == "unpublished"
    releases.release_version(version=v1, user=user)
    assert Agent.objects.get(pk=agent.pk).status == "published"
    edit(agent, {"llm": {"temperature": 1.1}}, user=user)
    fresh = Agent.objects.get(pk=agent.pk)
    assert fresh.status == "unpublished_changes"
    assert fresh.status_label == "Unpublished changes"
    edit(agent, {"llm": {"temperature": v1.config["llm"]["temperature"]}}, user=user)
    assert Agent.objects.get(pk=agent.pk).status == "published"
