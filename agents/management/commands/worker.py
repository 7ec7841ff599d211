"""`manage.py worker`: django-tasks' database worker, plus the sweep that recovers
jobs whose worker died (see `agents.services.recovery`).

Takes every option of `db_worker`. Run as many as you like: jobs are claimed
with row locks and each recovery is a compare-and-set, so workers never run the
same job twice at once or hand over one stalled job twice.
"""

from __future__ import annotations

import logging
import random
import threading

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from agents.models import PendingPurge
from agents.services import recovery

logger = logging.getLogger("agents.worker")


class Sweeper(threading.Thread):
    """Sweeps once at start (a restarted worker picks up what its predecessor
    left), then every JOB_SWEEP_SECONDS, with jitter so workers spread out; each
    sweep also purges the cache entries writes could not refresh."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="job-sweeper", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                for line in recovery.recover_stalled_jobs():
                    logger.warning("recovered: %s", line)
                PendingPurge.objects.flush()  # writes that could not reach Redis
            except Exception:
                logger.exception("the job sweep failed; it runs again shortly")
            finally:
                connection.close()
            self.stopped.wait(self.interval * random.uniform(0.8, 1.2))


class Command(db_worker.Command):
    help = "Run background jobs and recover jobs whose worker died."

    def handle(self, *args, **options):
        if not options.get("batch"):
            Sweeper(settings.JOB_SWEEP_SECONDS).start()
        return super().handle(*args, **options)
