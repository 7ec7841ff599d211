"""Production serving: collectstatic with the manifest storage, gunicorn, DEBUG off."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import fetch, gunicorn, manage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def test_gunicorn_serves_the_app_and_whitenoise_its_static_files(production_env, tmp_path):
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    with gunicorn(production_env, probe="/admin/login/") as base:
        status, _, body = fetch(f"{base}/admin/login/")
        assert status == 200
        assert b"Django administration" in body or b"Log in" in body
        status, headers, _ = fetch(f"{base}/static/admin/css/base.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")


def test_https_settings_pass_the_deploy_check(production_env):
    env = {
        **production_env,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "console.example.com",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' process
    without = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert without.returncode != 0
    assert "security.W004" in without.stderr  # no HSTS
    assert "security.W008" in without.stderr  # no SSL redirect

    checked = manage({**env, "DJANGO_HTTPS": "1"}, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout

    shown = manage(
        {**env, "DJANGO_HTTPS": "1", "DJANGO_HSTS_SECONDS": "300"},
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
    )
    assert shown.stdout.split() == ["300", "True", "True"]
