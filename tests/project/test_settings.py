"""Settings are read from the environment: switches, lists, the database and cache
chosen by their URLs, TLS hardening when served over HTTPS."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.settings import env_bool, env_list, env_number

ROOT = Path(__file__).resolve().parents[2]


def settings_under(**env) -> dict:
    """The settings a fresh process reads with `env` added."""
    code = (
        "import json; from console import settings as s; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        "'ssl_redirect': getattr(s, 'SECURE_SSL_REDIRECT', False),"
        "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'debug': s.DEBUG}))"
    )
    environment = {**os.environ, **env}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_HTTPS", "DJANGO_DEBUG"):
        if name not in env:
            environment.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), (" On ", True), ("0", False), ("", False)]
)
def test_switches_read_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH") is expected
    monkeypatch.delenv("SOME_SWITCH")
    assert env_bool("SOME_SWITCH", default=True) is True


def test_numbers_take_their_defaults_type(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "7")
    assert env_number("SOME_NUMBER", 3) == 7
    assert isinstance(env_number("SOME_NUMBER", 0.5), float)
    monkeypatch.setenv("SOME_NUMBER", "")
    assert env_number("SOME_NUMBER", 3) == 3
    monkeypatch.setenv("SOME_NUMBER", "lots")
    with pytest.raises(ValueError, match="lots"):
        env_number("SOME_NUMBER", 3)


def test_lists_drop_blanks(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a, ,b ,")
    assert env_list("SOME_LIST", "") == ["a", "b"]
    assert env_list("UNSET_LIST", "x,y") == ["x", "y"]


def test_a_bare_machine_runs_on_sqlite_and_local_memory():
    found = settings_under()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["cache"].endswith("LocMemCache")
    assert (found["ssl_redirect"], found["debug"]) == (False, False)


def test_urls_choose_postgresql_and_redis_and_https_hardens():
    found = settings_under(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_HTTPS="1",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert "redis" in found["cache"].lower()
    assert found["ssl_redirect"] is True
    assert found["hsts"] == 365 * 24 * 3600
