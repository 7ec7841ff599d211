"""Response shapes: every field the contract names, from the rows the selectors read."""

import pytest

from agents.api import shapes
from agents.api.schemas import AgentOut, DraftOut, VersionOut
from agents.selectors import agents, history
from agents.services import releases

pytestmark = pytest.mark.django_db


def test_an_agent_its_draft_and_a_version_have_the_contracts_fields(agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    found = agents.agent_for_page(agent.public_id)
    shaped = shapes.agent_out(found)
    assert (shaped["released_version"], shaped["latest_version"]) == (1, 1)
    assert set(shaped) == set(AgentOut.model_fields)
    assert set(shapes.draft_out(found.draft)) == set(DraftOut.model_fields)
    version = shapes.version_out(v1, found.released_version_id)
    assert version["is_released"] is True
    assert set(version) == set(VersionOut.model_fields)


def test_a_release_event_names_both_versions_and_who(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    releases.release_version(version=v2, user=user)
    [latest, _] = history.release_log(agent)
    shaped = shapes.event_out(latest)
    assert (shaped["version"], shaped["previous_version"]) == (2, 1)
    assert shaped["released_by"] == user.username
    assert shapes.username(None) is None
