"""Runtime delivery on production servers (`manage.py serve`, PostgreSQL, Redis).

1. Propagation: two nodes; the Python client follows the stream on node B while
   releases are made through node A's API, alternating two versions, 200 times:
   from the release's answer (its transaction has committed) until the client's
   memory answers the new version. Targets p99 <= 1 s (goal 200 ms).
2. The client's `resolve` from memory, calls per second (target >= 100,000).
3. 1,000 idle stream subscribers on one single-process node: the process's memory
   per subscriber, the time until a change has reached all of them (target <= 1 s),
   and `/resolve` throughput with them connected vs without (wrk).

Needs PostgreSQL (as api_hot_path), Redis at BENCH_REDIS_URL, and wrk for part 3.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import socket
import statistics
import time
import urllib.request
import uuid
from pathlib import Path

from bench import api_hot_path, harness

CHANGES = int(os.environ.get("BENCH_STREAM_CHANGES", "200"))
SUBSCRIBERS = int(os.environ.get("BENCH_STREAM_SUBSCRIBERS", "1000"))
MEMORY_CALLS = 200_000


def _environment() -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": api_hot_path.database_url(),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
        "REDIS_URL": api_hot_path.REDIS_URL,
    }
    return env


SETUP = """
from django.contrib.auth.models import User
from agents.services import agents, drafts, releases, tokens, versions
user = User.objects.create_superuser("bench-stream", password="bench-" + "x" * 20)
agent = agents.create_agent(name="Stream bench", user=user)
for n in (1, 2):
    drafts.patch_draft(agent=agent, patch={"prompt": {"welcome_message": f"Hi {n}"}}, user=user)
    versions.save_version(agent=agent, name=f"v{n}", user=user)
releases.release_version(version=agent.versions.get(number=1), user=user)
_, secret = tokens.create_api_token(user=user, name="bench")
print(agent.public_id, secret)
"""


def prepare(env: dict) -> tuple[str, str]:
    """A fresh database (as api_hot_path's) with an agent of two versions, v1 released,
    that releases without approvals or eval gates, and a token."""
    api_hot_path.prepare(env)
    agent, token = harness.manage(env, "shell", "-v", "0", "-c", SETUP).split()[-2:]
    return agent, token


def _call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _propagation(env: dict, agent: str, token: str) -> tuple[list, bool]:
    from agent_console_client import Client

    with (
        api_hot_path.production_server(env) as (port_a, _),
        api_hot_path.production_server(env) as (port_b, _),
    ):
        node_a = f"http://127.0.0.1:{port_a}"
        first, second = _version_numbers(node_a, token, agent)[:2]
        with Client(f"http://127.0.0.1:{port_b}", token) as client:
            deadline = time.monotonic() + 10
            while client.following != "stream" and time.monotonic() < deadline:
                time.sleep(0.01)
            client.resolve(agent)
            delays = []
            for i in range(CHANGES):
                version = (first, second)[i % 2]
                if client.resolve(agent).version == version:
                    version = (second, first)[i % 2]
                _call(node_a, token, "POST", f"/agents/{agent}/release", {"version": version})
                answered = time.perf_counter()
                while True:
                    found = client.resolve(agent)
                    if found.version == version and found.source == "memory":
                        break
                    if time.perf_counter() - answered > 5:
                        raise RuntimeError(f"change {i} did not arrive within 5 s")
                    time.sleep(0.0005)
                delays.append((time.perf_counter() - answered) * 1000)
            start = time.perf_counter()
            for _ in range(MEMORY_CALLS):
                client.resolve(agent)
            rate = MEMORY_CALLS / (time.perf_counter() - start)
    p50, p99 = statistics.median(delays), _percentile(delays, 0.99)
    rows = [
        (f"propagation node A → client on node B, {CHANGES} releases: p50", f"{p50:.1f} ms"),
        ("… p99 (target <= 1,000 ms, goal 200 ms)", f"{p99:.1f} ms"),
        ("… max", f"{max(delays):.1f} ms"),
        ("client `resolve` from memory (target >= 100,000/s)", f"{rate:,.0f}/s"),
    ]
    return rows, p99 <= 1000 and rate >= 100_000


def _version_numbers(base: str, token: str, agent: str) -> list[int]:
    return [v["number"] for v in _call(base, token, "GET", f"/agents/{agent}/versions")["data"]]


def _worker_rss_kb(master: int) -> int:
    """The resident memory of the server's worker processes (the master's children)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _subscribe(port: int, token: str) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(
        f"GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    received = b""
    while b"retry:" not in received:
        received += connection.recv(65536)
    connection.setblocking(False)
    return connection


def _idle_subscribers(env: dict, agent: str, token: str) -> tuple[list, bool]:
    with harness.serve(env, "--workers", "1", "--log-level", "warning") as (port, master):
        base = f"http://127.0.0.1:{port}"
        resolve_url = f"{base}/api/v1/resolve/{agent}"
        api_hot_path.wrk(resolve_url, token)  # warm up
        before_rate = api_hot_path.wrk(resolve_url, token)
        before_rss = _worker_rss_kb(master)
        subscribers = [_subscribe(port, token) for _ in range(SUBSCRIBERS)]
        time.sleep(1)
        after_rss = _worker_rss_kb(master)
        with_rate = api_hot_path.wrk(resolve_url, token)
        # One change: how long until every subscriber has it.
        numbers = _version_numbers(base, token, agent)
        released = _call(base, token, "GET", f"/agents/{agent}")["released_version"]
        other = next(n for n in numbers if n != released)
        for subscriber in subscribers:  # drop what came so far (pings)
            with contextlib.suppress(BlockingIOError):
                subscriber.recv(65536)
        chooser = selectors.DefaultSelector()
        for subscriber in subscribers:
            chooser.register(subscriber, selectors.EVENT_READ)
        _call(base, token, "POST", f"/agents/{agent}/release", {"version": other})
        answered = time.perf_counter()
        waiting = set(subscribers)
        while waiting and time.perf_counter() - answered < 10:
            for key, _ in chooser.select(timeout=1):
                data = key.fileobj.recv(65536)
                if b"event: change" in data:
                    waiting.discard(key.fileobj)
                    chooser.unregister(key.fileobj)
        fan_out = (time.perf_counter() - answered) * 1000
        for subscriber in subscribers:
            subscriber.close()
    per_subscriber = (after_rss - before_rss) / SUBSCRIBERS
    rows = [
        (
            f"{SUBSCRIBERS:,} idle subscribers on one process: memory each",
            f"{per_subscriber:.1f} KB",
        ),
        ("… a change reached all of them in (target <= 1,000 ms)", f"{fan_out:.0f} ms"),
        ("… those not reached", str(len(waiting))),
        ("/resolve req/s without subscribers (wrk)", f"{before_rate:,.0f}"),
        (f"/resolve req/s with {SUBSCRIBERS:,} subscribers", f"{with_rate:,.0f}"),
        ("… ratio with / without", f"{with_rate / before_rate:.2f}"),
    ]
    return rows, not waiting and fan_out <= 1000


def run() -> dict:
    name = "Runtime delivery (stream, client)"
    if not api_hot_path._redis_up():
        return {"name": name, "rows": [("skipped", "needs Redis at BENCH_REDIS_URL")], "ok": False}
    env = _environment()
    try:
        agent, token = prepare(env)
    except Exception as exc:
        return {"name": name, "rows": [("skipped", f"PostgreSQL unavailable: {exc}")], "ok": False}
    try:
        rows, ok = _propagation(env, agent, token)
        if shutil.which("wrk"):
            more, more_ok = _idle_subscribers(env, agent, token)
            rows, ok = rows + more, ok and more_ok
        else:
            rows.append(("idle subscribers", "skipped: install wrk (apt-get install wrk)"))
    finally:
        api_hot_path.admin_sql(f'DROP DATABASE IF EXISTS "{api_hot_path.BENCH_DB}" WITH (FORCE)')
    return {"name": name, "rows": rows, "ok": ok}
