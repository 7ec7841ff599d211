"""The resolve hot path: a reference to the configuration it names now, cached, and
refreshed when a release changes it."""

import pytest
from django.db import transaction

from agents.domain.exceptions import AgentNotPublished, UnknownReference
from agents.selectors import runtime
from agents.services import releases
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_a_reference_resolves_to_the_configuration_it_names(agent, make_version, user):
    v1 = make_version(agent, {"prompt": {"welcome_message": "One"}})
    releases.release_version(version=v1, user=user)
    edit(agent, {"prompt": {"welcome_message": "Draft"}}, user=user)
    released = runtime.resolve(agent.public_id)
    assert (released.version, released.version_pk) == (1, v1.pk)
    assert released.config["prompt"]["welcome_message"] == "One"
    assert runtime.resolve(f"{agent.public_id}@draft").version == "draft"
    assert runtime.resolve(f"{agent.public_id}@v1").content_hash == v1.content_hash


def test_a_release_is_served_at_once_and_the_cache_answers_without_queries(
    agent, make_version, user, django_assert_max_num_queries
):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    runtime.resolve(agent.public_id)
    runtime.resolve(f"{agent.public_id}@v1")
    with django_assert_max_num_queries(0):  # a version never changes: from the cache
        assert runtime.resolve(f"{agent.public_id}@v1").version == 1
    with django_assert_max_num_queries(1):  # per-process cache: the pointer is read
        assert runtime.resolve(agent.public_id).version == 1
    with transaction.atomic():
        releases.release_version(version=v2, user=user)
    assert runtime.resolve(agent.public_id).version == 2


def test_what_resolves_to_nothing_says_so(agent):
    with pytest.raises(AgentNotPublished):
        runtime.resolve(agent.public_id)
    with pytest.raises(UnknownReference):
        runtime.resolve("ag_aaaaaaaaaa@v1")
