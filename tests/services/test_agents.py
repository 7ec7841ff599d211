"""Agents: created with their draft, named and described apart from it, archived never deleted."""

import pytest

from agents.domain import config as config_domain
from agents.domain.exceptions import (
    AgentArchived,
    ConfigInvalid,
    InvalidInput,
)
from agents.models import Agent, Draft
from agents.services import agents
from agents.services import agents as agent_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_creating_an_agent_creates_its_draft_with_defaults(user):
    agent = agents.create_agent(name="  Front desk  ", user=user, description="Main line")
    assert agent.name == "Front desk"
    assert agent.public_id.startswith("ag_")
    assert len(agent.public_id) == 13
    draft = Draft.objects.get(agent=agent)
    assert draft.revision == 1
    assert draft.config == config_domain.default_config()
    assert draft.content_hash == config_domain.content_hash(config_domain.default_config())
    assert draft.updated_by == user
    assert agent.status == "unpublished"


def test_a_partial_config_is_merged_over_the_defaults(user):
    agent = agents.create_agent(name="A", user=user, config={"llm": {"temperature": 0.1}})
    config = agent.draft.config
    assert config["llm"]["temperature"] == 0.1
    assert config["llm"]["model"] == config_domain.default_config()["llm"]["model"]


def test_an_agent_needs_a_name_and_nothing_is_created_without_one(user):
    with pytest.raises(InvalidInput) as info:
        agents.create_agent(name="   ", user=user)
    assert info.value.errors == [{"path": "name", "message": "is required"}]
    assert not Agent.objects.exists()


def test_an_invalid_initial_config_creates_nothing(user):
    with pytest.raises(ConfigInvalid, match=r"llm\.temperature"):
        agents.create_agent(name="A", user=user, config={"llm": {"temperature": 9}})
    assert not Agent.objects.exists()
    assert not Draft.objects.exists()


def test_public_ids_are_never_reused(user, monkeypatch):
    first = agents.create_agent(name="Old", user=user)
    old_id = first.public_id
    ids = iter([old_id, "ag_bbbbbbbbbb"])
    monkeypatch.setattr(agent_services, "new_public_id", lambda prefix: next(ids))
    assert agents.create_agent(name="New", user=user).public_id == "ag_bbbbbbbbbb"


def test_editing_name_and_description_never_creates_a_version_or_touches_the_draft(agent, user):
    agents.update_agent(agent=agent, user=user, name="Renamed", description="New words")
    agent.refresh_from_db()
    assert (agent.name, agent.description) == ("Renamed", "New words")
    assert agent.draft.revision == 1
    assert not agent.versions.exists()
    assert agent.history.first().history_change_reason == "Edited details"


def test_an_agent_with_versions_is_archived_not_deleted(agent, make_version, user):
    from agents.domain.exceptions import VersionImmutable

    make_version(agent)
    with pytest.raises(VersionImmutable, match="archive it instead"):
        agent.delete()
    agents.archive_agent(agent=agent, user=user)
    agent.refresh_from_db()
    assert agent.archived_at is not None
    with pytest.raises(AgentArchived):
        edit(agent, {"llm": {"temperature": 0.2}}, user=user)


def test_an_agent_without_versions_is_not_deleted_either(agent):
    from agents.domain.exceptions import VersionImmutable

    with pytest.raises(VersionImmutable, match="archive it instead"):
        agent.delete()
    assert Agent.objects.filter(pk=agent.pk).exists()
    assert Draft.objects.filter(agent=agent).exists()
