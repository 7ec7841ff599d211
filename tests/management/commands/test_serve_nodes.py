"""Two production servers (`manage.py serve`) on one database and one Redis: a change
made through one reaches the other's stream subscribers within a second, and the
other serves it at once. Without Redis the nodes read the database instead."""

import json
import os
import secrets
import textwrap
import time
import urllib.request
import uuid

import pytest

from tests.api.conftest import REDIS_URL, require_redis
from tests.servers import Subscriber, fetch, fetch_json, kill_node, manage, serve

SETUP = textwrap.dedent(
    """
    from django.contrib.auth.models import User
    from agents.services import agents, drafts, releases, tokens, versions
    user = User.objects.create_superuser("ops", password="pw-for-tests")
    agent = agents.create_agent(name="Line", user=user)
    for n in (1, 2, 3):
        drafts.patch_draft(
            agent=agent, patch={"prompt": {"welcome_message": f"Hi {n}"}}, user=user
        )
        versions.save_version(agent=agent, name=f"v{n}", user=user)
    releases.release_version(version=agent.versions.get(number=1), user=user)
    _, secret = tokens.create_api_token(user=user, name="runtime")
    print(agent.public_id, secret)
    """
)


def environment(tmp_path, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_KEY_PREFIX": f"nodes-{uuid.uuid4().hex}",
        "STREAM_PING_S": "1",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage(env, "migrate", "--no-input", "-v", "0", check=True)
    return env


def setup(env) -> tuple[str, str]:
    made = manage(env, "shell", "-v", "0", "-c", SETUP)
    assert made.returncode == 0, made.stderr
    agent, token = made.stdout.split()
    return agent, token


def release(base: str, token: str, agent: str, version: int) -> float:
    """Release through node `base`; returns the monotonic time its answer came."""

    request = urllib.request.Request(
        f"{base}/api/v1/agents/{agent}/release",
        data=json.dumps({"version": version}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    return time.monotonic()


def test_a_release_on_one_node_reaches_the_other_nodes_subscribers_within_a_second(tmp_path):
    require_redis()
    env = environment(tmp_path, REDIS_URL=REDIS_URL)
    agent, token = setup(env)
    with serve(env) as (node_a, _), serve(env) as (node_b, _):
        subscriber = Subscriber(node_b, token, f"?agent={agent}")
        assert fetch_json(f"{node_b}/api/v1/resolve/{agent}", token)["version"] == 1
        time.sleep(0.3)  # the subscription is in place before the release
        released_at = release(node_a, token, agent, 2)
        [(arrived, _, kind, change)] = subscriber.wait_for(1, timeout=5)
        assert (kind, change["kind"], change["agent"], change["version"]) == (
            "change",
            "release",
            agent,
            2,
        )
        assert arrived - released_at < 1.0
        assert fetch_json(f"{node_b}/api/v1/resolve/{agent}", token)["version"] == 2
        # The node counts who listens and what each change reached, for the console.
        status = fetch_json(f"{node_b}/readyz")
        assert status["stream"] == "redis"
        subscriber.close()


def test_a_node_killed_drops_its_subscribers_who_resume_on_another_missing_nothing(tmp_path):
    require_redis()
    env = environment(tmp_path, REDIS_URL=REDIS_URL)
    agent, token = setup(env)
    with serve(env) as (node_a, _):
        with serve(env) as (node_b, process_b):
            subscriber = Subscriber(node_b, token)
            time.sleep(0.3)
            release(node_a, token, agent, 2)
            [(_, seen, *_)] = subscriber.wait_for(1)
            kill_node(process_b)
            subscriber.wait_for(99, timeout=5)
            assert subscriber.closed
        release(node_a, token, agent, 3)  # while the subscriber is away
        resumed = Subscriber(node_a, token, last_event_id=seen)
        [(_, seq, kind, change)] = resumed.wait_for(1)
        assert (int(seq), kind, change["version"]) == (int(seen) + 1, "change", 3)
        resumed.close()


@pytest.mark.parametrize(
    ("redis", "status"),
    [
        (None, "ok"),  # no Redis configured: the nodes read the database
        ("redis://127.0.0.1:1/0", "degraded"),  # Redis configured but down
    ],
)
def test_without_redis_changes_still_arrive_by_reading_the_database(tmp_path, redis, status):
    extra = {"REDIS_URL": redis, "REDIS_TIMEOUT_S": "0.2"} if redis else {}
    env = environment(tmp_path, STREAM_POLL_S="1", **extra)
    if redis is None:
        env.pop("REDIS_URL", None)
    agent, token = setup(env)
    with serve(env) as (node_a, _), serve(env) as (node_b, _):
        subscriber = Subscriber(node_b, token)
        time.sleep(0.3)
        released_at = release(node_a, token, agent, 2)
        [(arrived, _, kind, change)] = subscriber.wait_for(1)
        assert (kind, change["version"]) == ("change", 2)
        assert arrived - released_at < 5.0
        answer, _, body = fetch(f"{node_b}/readyz")
        assert answer == 200
        assert json.loads(body)["status"] == status
        assert json.loads(body)["stream"] == "polling"
        subscriber.close()
