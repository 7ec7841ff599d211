"""The runtime client against a live production server (`manage.py serve`), reached
through a proxy that can cut the network: answers from memory while the stream is
connected, pushed changes within a second, the last known configuration while the
console is away (from memory, or from disk in a new process), calls bound offline
and uploaded on reconnect, and clear errors otherwise."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import textwrap
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from agent_console_client import (
    AsyncClient,
    Client,
    NotFound,
    NotPublished,
    Unauthorized,
    Unavailable,
)

from bench import harness
from tests.servers import Proxy, fetch_json, manage, serve

SETUP = textwrap.dedent(
    """
    from django.contrib.auth.models import User
    from agents.services import agents, channels, drafts, releases, tokens, versions
    user = User.objects.create_superuser("ops", password="pw-for-tests")
    agent = agents.create_agent(name="Clinic", user=user)
    for n in (1, 2, 3):
        drafts.patch_draft(
            agent=agent, patch={"prompt": {"welcome_message": f"Hi {n}"}}, user=user
        )
        versions.save_version(agent=agent, name=f"v{n}", user=user)
    releases.release_version(version=agent.versions.get(number=1), user=user)
    line = channels.create_channel(
        user=user, name="Main line", kind="phone", agent=agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )
    unpublished = agents.create_agent(name="Not yet", user=user)
    _, secret = tokens.create_api_token(user=user, name="runtime")
    print(agent.public_id, line.public_id, unpublished.public_id, secret)
    """
)


def environment(folder) -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_KEY_PREFIX": f"client-{uuid.uuid4().hex}",
        "STREAM_POLL_S": "0.1",  # no Redis here: the hub reads the database this often
        "STREAM_PING_S": "1",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage(env, "migrate", "--no-input", "-v", "0", check=True)
    return env


def setup(env) -> list[str]:
    made = manage(env, "shell", "-v", "0", "-c", SETUP)
    assert made.returncode == 0, made.stderr
    return made.stdout.split()


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    env = environment(tmp_path_factory.mktemp("console"))
    agent, line, unpublished, token = setup(env)
    with serve(env) as (base, _):
        proxy = Proxy(int(base.rsplit(":", 1)[1]))
        yield {
            "base": base,
            "proxy": proxy,
            "agent": agent,
            "line": line,
            "unpublished": unpublished,
            "token": token,
        }
        proxy.close()


@pytest.fixture
def proxy(console):
    """The network up, and v1 released, whatever the test before did."""
    console["proxy"].up()
    release(console, 1)
    yield console["proxy"]
    console["proxy"].up()


def release(console, version: int) -> None:
    import urllib.request

    request = urllib.request.Request(
        f"{console['base']}/api/v1/agents/{console['agent']}/release",
        data=json.dumps({"version": version}).encode(),
        headers={"Authorization": f"Bearer {console['token']}", "Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).read()


def eventually(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def connected(client: Client) -> bool:
    return eventually(lambda: client.following == "stream")


def test_resolve_answers_from_memory_while_the_stream_is_connected_and_follows_a_release(
    console, proxy, tmp_path
):
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as client:
        assert connected(client)
        first = client.resolve(console["agent"])
        assert (first.version, first.source, first.stale) == (1, "network", False)
        assert first.config["prompt"]["welcome_message"] == "Hi 1"
        requests_before = proxy.accepted
        again = [client.resolve(console["agent"]) for _ in range(100)]
        assert {(r.version, r.source, r.stale) for r in again} == {(1, "memory", False)}
        assert proxy.accepted == requests_before  # not one request
        release(console, 3)
        pushed = eventually(lambda: client.resolve(console["agent"]).version == 3, timeout=1.0)
        assert pushed, "a release reaches the client's memory within a second"
        assert client.resolve(console["agent"]).source == "memory"


def test_while_the_console_is_away_the_last_configuration_is_served_stale(console, proxy, tmp_path):
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as client:
        assert connected(client)
        pinned = client.resolve(f"{console['agent']}@v2")
        assert pinned.version == 2
        proxy.down()
        assert eventually(
            lambda: client.following == "no", timeout=15
        )  # it noticed the stream drop
        stale = client.resolve(f"{console['agent']}@v2")
        assert (stale.version, stale.stale, stale.source) == (2, True, "memory")
        with pytest.raises(Unavailable):
            client.resolve(f"{console['agent']}@v3")  # never known here
    # A new process, the console still away: the last known comes from disk.
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as restarted:
        found = restarted.resolve(f"{console['agent']}@v2")
        assert (found.version, found.stale, found.source) == (2, True, "disk")
        assert found.config["prompt"]["welcome_message"] == "Hi 2"
    assert not list(tmp_path.glob("resolved/.tmp-*"))  # written whole, renamed in place


def test_calls_started_offline_take_the_servers_variant_and_upload_on_reconnect(
    console, proxy, tmp_path
):
    line = console["line"]
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as client:
        online = client.start_conversation(channel=line, key="caller-1")
        assert not online.offline
        keys = [f"caller-{n}" for n in range(2, 12)]
        proxy.down()
        offline = [client.start_conversation(channel=line, key=key) for key in keys]
        assert all(c.offline and c.id.startswith("local_") for c in offline)
        assert {c.variant for c in offline} <= {"released", "v2"}
        client.end_conversation(
            offline[0],
            "completed",
            duration_s=42.0,
            latency_ms=730.0,
            satisfaction=4,
            turns=[{"role": "assistant", "content": "Booked for Tuesday."}],
        )
        assert client.pending_uploads == len(keys)
        proxy.up()
        assert eventually(lambda: client.pending_uploads == 0, timeout=20)
        for conversation, key in zip(offline, keys, strict=True):
            uploaded = fetch_json(
                f"{console['base']}/api/v1/conversations/{client.uploaded[conversation.id]}",
                console["token"],
            )
            assert uploaded["offline"] is True
            assert (uploaded["variant"], uploaded["version"]) == (
                conversation.variant,
                conversation.version,
            ), key
        first = fetch_json(
            f"{console['base']}/api/v1/conversations/{client.uploaded[offline[0].id]}",
            console["token"],
        )
        assert (first["outcome"], first["latency_ms"], first["satisfaction"]) == (
            "completed",
            730.0,
            4,
        )


def test_queued_calls_survive_a_restart_of_the_runtime(console, proxy, tmp_path):
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as client:
        client.resolve(console["agent"])
        proxy.down()
        call = client.start_conversation(agent=console["agent"], key="k")
        assert (call.offline, call.version) == (True, 1)
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as restarted:
        assert restarted.pending_uploads == 1
        proxy.up()
        assert eventually(lambda: restarted.pending_uploads == 0, timeout=20)


def test_a_dropped_stream_resumes_and_misses_nothing(console, proxy, tmp_path):
    with Client(proxy.base, console["token"], cache_dir=tmp_path) as client:
        assert connected(client)
        assert client.resolve(console["agent"]).version == 1
        release(console, 2)
        assert eventually(lambda: client.last_seq is not None)
        seen = client.last_seq
        proxy.down()
        assert eventually(lambda: client.following == "no", timeout=15)
        release(console, 3)  # while it is away
        proxy.up()
        assert connected(client)
        # Resumed with Last-Event-ID: the release made while away is replayed.
        assert eventually(lambda: client.last_seq == seen + 1)
        assert eventually(lambda: client.resolve(console["agent"]).source == "memory")
        assert client.resolve(console["agent"]).version == 3


def test_without_the_stream_it_polls_changes(console, proxy, tmp_path):
    with Client(
        proxy.base, console["token"], cache_dir=tmp_path, stream=False, poll_interval=0.2
    ) as client:
        assert eventually(lambda: client.following == "polling")
        assert client.resolve(console["agent"]).version == 1
        assert client.resolve(console["agent"]).source == "memory"
        release(console, 2)
        assert eventually(lambda: client.resolve(console["agent"]).version == 2, timeout=2)


def test_errors_are_clear_when_nothing_is_known(console, proxy):
    with Client(proxy.base, console["token"], stream=False) as client:
        with pytest.raises(NotFound):
            client.resolve("ag_doesnotexist")
        with pytest.raises(NotPublished):
            client.resolve(console["unpublished"])
        with pytest.raises(ValueError, match="one of"):
            client.start_conversation()
    with Client(proxy.base, "not-a-token", stream=False) as client, pytest.raises(Unauthorized):
        client.resolve(console["agent"])
    proxy.down()
    with Client(proxy.base, console["token"], stream=False) as client:
        with pytest.raises(Unavailable):
            client.resolve(console["agent"])
        with pytest.raises(Unavailable, match="never routed here"):
            client.start_conversation(channel=console["line"])


def test_the_async_client_does_the_same(console, proxy, tmp_path):
    async def run():
        async with AsyncClient(proxy.base, console["token"], cache_dir=tmp_path) as client:
            resolved = await client.resolve(console["agent"])
            call = await client.start_conversation(agent=console["agent"])
            await client.end_conversation(call, "completed")
            return resolved.version, call.offline, client.pending_uploads

    # On an event loop of its own: the browser tests leave one running in this thread.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, run()).result() == (1, False, 0)


def test_it_follows_the_development_servers_stream_too(tmp_path):
    """`make run` serves with Django's development server (WSGI, one connection per
    response): the stream stays open between pings and pushes a release."""
    env = environment(tmp_path)
    agent, _, _, token = setup(env)
    port = harness.free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=harness.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        harness.wait_for_port(port, attempts=150)
        base = f"http://127.0.0.1:{port}"
        with Client(base, token, timeout=0.5) as client:
            assert connected(client)
            assert client.resolve(agent).version == 1
            time.sleep(2)  # past the client's timeout: the pings keep it open
            assert client.following == "stream"
            release({"base": base, "token": token, "agent": agent}, 2)
            assert eventually(lambda: client.resolve(agent).version == 2, timeout=2)
            assert client.resolve(agent).source == "memory"
    finally:
        server.terminate()
        server.wait(timeout=10)
