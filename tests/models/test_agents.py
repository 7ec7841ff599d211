"""Agents: a status derived from the hashes, kinds kept apart, never deleted."""

import pytest

from agents.domain.exceptions import VersionImmutable
from agents.models import Agent, compute_status
from agents.services import agents, releases

pytestmark = pytest.mark.django_db


def test_the_status_is_derived_from_the_hashes():
    assert compute_status(released_hash=None, draft_hash="a") == "unpublished"
    assert compute_status(released_hash="a", draft_hash="a") == "published"
    assert compute_status(released_hash="a", draft_hash="b") == "unpublished_changes"


def test_an_agent_reports_its_status_and_is_never_deleted(agent, make_version, user):
    releases.release_version(version=make_version(agent), user=user)
    agent.refresh_from_db()
    assert (agent.status, agent.status_label) == ("published", "Published")
    with pytest.raises(VersionImmutable, match="archive it instead"):
        agent.delete()


def test_agents_and_prompts_are_kept_apart(agent, user):
    prompt = agents.create_agent(name="Tone", user=user, kind="prompt", config={"text": "Hi"})
    assert list(Agent.objects.agents()) == [agent]
    assert list(Agent.objects.prompts()) == [prompt]
