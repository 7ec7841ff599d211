"""`manage.py serve`: the production server's command line."""

import pytest
from django.core.management import CommandError, call_command

from agents.management.commands import serve


def test_it_runs_gunicorn_with_uvicorns_workers_on_the_asgi_application(monkeypatch):
    ran = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: ran.append(argv))
    call_command("serve", "--bind", "0.0.0.0:9000", "--workers", "3")
    [argv] = ran
    assert argv[1:4] == ["-m", "gunicorn", "console.asgi:application"]
    options = dict(zip(argv[4::2], argv[5::2], strict=True))
    assert options["--worker-class"] == "uvicorn_worker.UvicornWorker"
    assert options["--bind"] == "0.0.0.0:9000"
    assert options["--workers"] == "3"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--bind", "8000"], "HOST:PORT"),
        (["--bind", "127.0.0.1:http"], "HOST:PORT"),
        (["--bind", "127.0.0.1:70000"], "HOST:PORT"),
        (["--workers", "0"], "between 1 and 64"),
    ],
)
def test_bad_options_are_refused_before_anything_starts(monkeypatch, arguments, message):
    monkeypatch.setattr(serve.os, "execv", lambda *a: pytest.fail("started"))
    with pytest.raises(CommandError, match=message):
        call_command("serve", *arguments)
