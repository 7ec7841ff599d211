"""The runtime hot path under load: the production server (`manage.py serve`),
DJANGO_DEBUG=0, PostgreSQL.

Targets: `GET /api/v1/resolve/ag_x` throughput >= 0.85x that of `/healthz` (wrk,
same connections and duration, interleaved) with Redis, the production topology's
shared cache, and p99 latency <= 20 ms at a fixed 100 requests/second (an
open-loop client that measures from each request's scheduled start, so queueing
is counted). Run once with a per-process cache (reported: each resolve reads the
released pointer from the database) and once with Redis.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/...),
Debian's `wrk`, and Redis at REDIS_URL (default redis://127.0.0.1:6379/14) for
the second mode. A throwaway database `agent_console_bench` is created and dropped.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager

from bench import harness

BENCH_DB = "agent_console_bench"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RATE = 100
RATE_SECONDS = int(os.environ.get("BENCH_RATE_SECONDS", "20"))


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(sql)


def database_url() -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}"


def prepare(env: dict) -> tuple[str, str]:
    """Migrate a fresh database, create a released agent and a token."""
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    harness.manage(env, "migrate", "--no-input", "-v", "0")
    harness.manage(env, "seed_demo")
    script = (
        "from agents.models import Agent;"
        "print(Agent.objects.agents().filter(released_version__isnull=False).order_by('name')[0].public_id)"
    )
    agent = harness.manage(env, "shell", "-c", script).strip().splitlines()[-1]
    token = (
        harness.manage(env, "create_api_token", "demo", "--name", "bench").strip().splitlines()[-1]
    )
    return agent, token


LOG = harness.ROOT / "bench" / "results" / "serve.log"
TARGET_RATIO = 0.85


@contextmanager
def production_server(env: dict):
    """`manage.py serve` with WORKERS processes; yields (port, master pid)."""
    LOG.parent.mkdir(exist_ok=True)
    with (
        LOG.open("a") as log,
        harness.serve(env, "--workers", str(WORKERS), "--log-level", "warning", output=log) as (
            port,
            pid,
        ),
    ):
        yield port, pid


def wrk(url: str, token: str | None) -> float:
    command = ["wrk", "-t", "1", "-c", "16", "-d", f"{WRK_SECONDS}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _fixed_rate(port: int, path: str, token: str) -> dict[str, float]:
    """Open loop: request i is due at start + i/RATE; latency counts from that moment."""
    total = RATE * RATE_SECONDS
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    next_index = iter(range(total))
    index_lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Bearer {token}"}
        while True:
            with index_lock:
                i = next(next_index, None)
            if i is None:
                break
            due = start + i / RATE
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - due
            with lock:
                latencies.append(elapsed * 1000)
                if response.status != 200:
                    failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "max": latencies[-1],
        "failures": len(failures),
        "count": len(latencies),
    }


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


def run() -> dict:
    if not shutil.which("wrk"):
        return {
            "name": "API hot path",
            "rows": [("skipped", "install wrk: apt-get install wrk")],
            "ok": True,
        }
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
    }
    env.pop("REDIS_URL", None)
    try:
        agent, token = prepare(env)
    except Exception as exc:  # PostgreSQL missing: say so instead of failing obscurely
        return {
            "name": "API hot path",
            "rows": [("skipped", f"PostgreSQL unavailable: {exc}")],
            "ok": False,
        }
    modes = [("local-memory cache", env)]
    if _redis_up():
        modes.append(("Redis cache", {**env, "REDIS_URL": REDIS_URL}))
    rows = [("server processes (`manage.py serve`)", str(WORKERS)), ("agent", agent)]
    ok = True
    try:
        for label, mode_env in modes:
            with production_server(mode_env) as (port, _):
                base = f"http://127.0.0.1:{port}"
                resolve_path = f"/api/v1/resolve/{agent}"
                wrk(f"{base}{resolve_path}", token)  # warm every worker's caches
                health, resolve = [], []
                for _ in range(ROUNDS):  # interleaved: drift hits both alike
                    health.append(wrk(f"{base}/healthz", None))
                    resolve.append(wrk(f"{base}{resolve_path}", token))
                # Each round's ratio, then their median: one noisy round moves it least.
                ratio = statistics.median(r / h for r, h in zip(resolve, health, strict=True))
                latency = _fixed_rate(port, resolve_path, token)
            # The throughput target is the production topology's (README: the nodes
            # share Redis); without it, every process reads the pointer from the
            # database (one indexed query a resolve), reported beside it.
            if label == "Redis cache" or len(modes) == 1:
                ok = ok and ratio >= TARGET_RATIO
            ok = ok and latency["p99"] <= 20 and latency["failures"] == 0
            rows += [
                (
                    f"{label}: /healthz req/s (wrk, 16 connections)",
                    f"{statistics.mean(health):,.0f}",
                ),
                (f"{label}: /resolve req/s", f"{statistics.mean(resolve):,.0f}"),
                (
                    f"{label}: ratio resolve / healthz, median of {ROUNDS} rounds "
                    f"(target >= {TARGET_RATIO})",
                    f"{ratio:.2f}",
                ),
                (
                    f"{label}: at {RATE} req/s for {RATE_SECONDS} s: p50 / p99 / max",
                    f"{latency['p50']:.1f} / {latency['p99']:.1f} / {latency['max']:.1f} ms"
                    f" ({latency['failures']} failed of {latency['count']})",
                ),
            ]
            # The same, served by gunicorn's sync workers (`console.wsgi`): what the
            # production server replaced, in the same run.
            with harness.gunicorn(mode_env, "--workers", str(WORKERS)) as port:
                base = f"http://127.0.0.1:{port}"
                wrk(f"{base}/api/v1/resolve/{agent}", token)
                sync = [wrk(f"{base}/api/v1/resolve/{agent}", token) for _ in range(2)]
            rows.append(
                (
                    f"{label}: /resolve req/s under gunicorn sync workers (console.wsgi)",
                    f"{statistics.mean(sync):,.0f}",
                )
            )
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return {"name": "API hot path (manage.py serve, DEBUG=0, PostgreSQL)", "rows": rows, "ok": ok}
