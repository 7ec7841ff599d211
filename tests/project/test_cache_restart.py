"""A release made while Redis was unreachable is not served stale once Redis is back,
even by servers restarted since (the keys to purge are kept in the database)."""

import os
import secrets
import textwrap
import uuid

import pytest

from tests.api.conftest import REDIS_URL, require_redis
from tests.servers import fetch_json, gunicorn, manage

SETUP = textwrap.dedent(
    """
    from django.contrib.auth.models import User
    from agents.services import agents, drafts, releases, tokens, versions
    user = User.objects.create_superuser("ops", password="pw-for-tests")
    agent = agents.create_agent(name="Line", user=user)
    for n in (1, 2):
        drafts.patch_draft(
            agent=agent, patch={"prompt": {"welcome_message": f"Hi {n}"}}, user=user
        )
        versions.save_version(agent=agent, name=f"v{n}", user=user)
    releases.release_version(version=agent.versions.get(number=1), user=user)
    _, secret = tokens.create_api_token(user=user, name="runtime")
    print(agent.public_id, secret)
    """
)

RELEASE_V2 = (
    "from django.contrib.auth.models import User; from agents.services import releases; "
    "from agents.models import Agent, PendingPurge; "
    "agent = Agent.objects.get(public_id='{pid}'); "
    "releases.release_version(version=agent.versions.get(number=2), "
    "user=User.objects.get(username='ops')); "
    "print(PendingPurge.objects.count())"
)


@pytest.fixture
def node_env(tmp_path):
    require_redis()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"restart-{uuid.uuid4().hex}",
        "REDIS_TIMEOUT_S": "0.2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage(env, "migrate", "--no-input", "-v", "0", check=True)
    return env


def test_a_release_during_an_outage_is_served_after_a_restart(node_env):
    made = manage(node_env, "shell", "-v", "0", "-c", SETUP)
    assert made.returncode == 0, made.stderr
    pid, token = made.stdout.split()
    with gunicorn(node_env) as base:
        assert fetch_json(f"{base}/api/v1/resolve/{pid}", token)["version"] == 1  # now cached
    # Released by a process that cannot reach Redis: its refresh is kept in the database.
    outage = {**node_env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    released = manage(outage, "shell", "-v", "0", "-c", RELEASE_V2.format(pid=pid))
    assert released.returncode == 0, released.stderr
    assert released.stdout.split()[-1] == "2"  # the pointer and the draft entries
    # Servers restarted with Redis back (still holding the pointer to v1).
    with gunicorn(node_env) as base:
        for _ in range(6):
            assert fetch_json(f"{base}/api/v1/resolve/{pid}", token)["version"] == 2
    left = manage(
        node_env,
        "shell",
        "-v",
        "0",
        "-c",
        "from agents.models import PendingPurge; print(PendingPurge.objects.count())",
    )
    assert left.stdout.split()[-1] == "0"
