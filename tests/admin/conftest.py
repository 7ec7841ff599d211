"""Fixtures the admin tests share: a support superuser logged in, an agent with history."""

import pytest

from agents.services import releases, versions


@pytest.fixture
def staff(make_user):
    return make_user(superuser=True, username="support")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def history(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.2}})
    v2 = make_version(agent, {"llm": {"temperature": 0.9}})
    releases.release_version(version=v2, user=user)
    versions.restore_version(version=v1, user=user)
    return v1, v2
