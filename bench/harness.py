"""Shared set-up for benchmarks: a throwaway database and a timing helper.

Benchmarks run in-process against a fresh test database (SQLite in memory, or
`test_<name>` on PostgreSQL when DATABASE_URL says so), with DEBUG off.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def django_database() -> Iterator[None]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def superuser(name: str):
    """The user a benchmark acts as (every role), in the throwaway database."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(name, password="bench-password")


def small_and_large(build: Callable[..., object], user, small: tuple, large: tuple):
    """`build(*small, user)` and `build(*large, user)`, and how long both took (s)."""
    started = time.perf_counter()
    built = build(*small, user), build(*large, user)
    return (*built, time.perf_counter() - started)


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(fns: dict[str, Callable[[], object]], *, rounds: int) -> dict[str, list[float]]:
    """Time each function once per round, round-robin, so drift hits all alike."""
    for fn in fns.values():
        timed(fn, repeat=0, warmup=3)
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return samples


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def machine() -> str:
    from django.db import connection

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {connection.vendor}"
    )


ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """`manage.py <args>` in a child process with `env`; its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_for_port(port: int, attempts: int = 100) -> None:
    """Until something accepts connections on 127.0.0.1:`port` (a server starting)."""
    for _ in range(attempts):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def listening(env: dict, *command: str, output=subprocess.DEVNULL) -> Iterator[tuple[int, int]]:
    """`command` (its arguments after the Python interpreter, `{port}` standing for a
    free port) with `env`; yields (port, pid) once the port answers; stopped with
    SIGTERM afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, *(part.format(port=port) for part in command)],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
    )
    try:
        wait_for_port(port, attempts=150)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


@contextmanager
def serve(env: dict, *options: str, output=subprocess.DEVNULL) -> Iterator[tuple[int, int]]:
    """`manage.py serve` (the production server) on a free port; yields (port, pid of
    its master). `options` are the command's (`--workers`, `--log-level`)."""
    bind = ("--bind", "127.0.0.1:{port}")
    with listening(env, "manage.py", "serve", *bind, *options, output=output) as running:
        yield running


@contextmanager
def gunicorn(env: dict, *options: str, output=subprocess.DEVNULL) -> Iterator[int]:
    """gunicorn's sync workers serving `console.wsgi` on a free port (yields the port).
    `options` are gunicorn's (`--workers`, `--log-level`)."""
    command = ("-m", "gunicorn", "console.wsgi", "--bind", "127.0.0.1:{port}", *options)
    with listening(env, *command, output=output) as (port, _):
        yield port


def write_revisions(agent, user, documents: dict) -> None:
    """Draft revisions {number: document} of `agent`, written as the services write
    them (one snapshot per content, one revision row each) in one batch: for building
    long histories, where thousands of service calls would take the benchmark's time."""
    from agents.domain import config
    from agents.models import ConfigSnapshot, DraftRevision

    hashes = {n: config.content_hash(d) for n, d in documents.items()}
    snapshots = ConfigSnapshot.objects.bulk_create(
        ConfigSnapshot(content_hash=hashes[n], config=documents[n], schema_version=1)
        for n in documents
    )
    DraftRevision.objects.bulk_create(
        DraftRevision(
            agent=agent,
            number=n,
            snapshot=snapshot,
            content_hash=hashes[n],
            created_by=user,
            reason="Edited",
            changed=["prompt.system_prompt"],
        )
        for n, snapshot in zip(documents, snapshots, strict=True)
    )
