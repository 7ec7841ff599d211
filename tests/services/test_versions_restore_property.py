"""Property: restoring a version gives back exactly its configuration and hash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.domain import config as config_domain
from agents.models import Draft
from agents.services import agents, revisions, versions
from tests.helpers import edit
from tests.strategies import configs

pytestmark = pytest.mark.django_db


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config=configs, other=configs)
def test_restore_is_exact(user, config, other):
    agent = agents.create_agent(name="Property", user=user, config=config)
    version = versions.save_version(agent=agent, name="Snapshot", user=user)
    edit(agent, other, user=user)
    edit(agent, {"prompt": {"welcome_message": "changed after the snapshot"}}, user=user)
    draft = versions.restore_version(version=version, user=user)
    stored = Draft.objects.get(pk=draft.pk)
    assert stored.config == version.config
    assert stored.content_hash == version.content_hash == config_domain.content_hash(stored.config)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=configs, second=configs, pick=st.integers(0, 2))
def test_a_restored_revision_saved_as_a_version_has_that_revisions_hash(user, first, second, pick):
    agent = agents.create_agent(name="Property", user=user, config=first)
    edit(agent, second, user=user)
    edit(agent, {"prompt": {"welcome_message": "and once more"}}, user=user)
    numbers = list(agent.revisions.order_by("number").values_list("number", flat=True))
    chosen = agent.revisions.get(number=numbers[min(pick, len(numbers) - 1)])
    edit(agent, {"prompt": {"welcome_message": "something else entirely"}}, user=user)
    revisions.restore_revision(agent=agent, number=chosen.number, user=user)
    version = versions.save_version(agent=agent, name="From a revision", user=user)
    assert version.content_hash == chosen.content_hash
    assert version.config == chosen.snapshot.config
