"""`manage.py serve`: the production server, the console, the JSON API and the change
stream on one address.

gunicorn manages the processes (restarts a dead one, `HUP` reloads, `TERM` stops
gracefully) and each process runs uvicorn's event loop with `console.asgi`: the
stream's subscribers are coroutines, every other request runs in a thread pool.
Processes share nothing but the database and Redis (REDIS_URL), so several
machines behind a load balancer are several `serve`s.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WORKER_CLASS = "uvicorn_worker.UvicornWorker"


def gunicorn_arguments(bind: str, workers: int, log_level: str) -> list[str]:
    return [
        "console.asgi:application",
        "--worker-class",
        WORKER_CLASS,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--log-level",
        log_level,
        # Streams never finish on their own: on TERM they get this long, then close
        # (their clients reconnect to another node with Last-Event-ID).
        "--graceful-timeout",
        str(settings.SERVE_GRACEFUL_S),
        "--keep-alive",
        "5",
    ]


class Command(BaseCommand):
    help = "Run the production server (console, API and change stream on one address)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("SERVE_BIND", "127.0.0.1:8000"), help="HOST:PORT"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="processes (default WEB_CONCURRENCY or 2)",
        )
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, bind: str, workers: int, log_level: str, **options):
        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"--bind must be HOST:PORT, not {bind!r}")
        if not 1 <= workers <= 64:
            raise CommandError("--workers must be between 1 and 64")
        command = [sys.executable, "-m", "gunicorn", *gunicorn_arguments(bind, workers, log_level)]
        sys.stdout.flush()
        os.execv(sys.executable, command)
