"""Real server processes for tests that need them (gunicorn on a free port)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from bench import harness
from bench.harness import ROOT


def fetch(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def fetch_json(url: str, token: str | None = None) -> dict:
    return json.loads(fetch(url, token)[2])


def manage(env: dict, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


@contextmanager
def gunicorn(env: dict, *, probe: str = "/healthz"):
    """gunicorn (one worker) serving the app with `env`; yields its base URL once
    `probe` answers, stops it after."""
    with harness.gunicorn(env, "--workers", "1") as port:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{base}{probe}")
                break
            except OSError:
                time.sleep(0.1)
        yield base
