"""Background jobs (django-tasks; the database backend, run by `manage.py worker`).

Each job is declared beside the service it runs, so services can enqueue it in
their own transaction; this module is the one list of them. `manage.py worker`
also sweeps for jobs whose worker died (`services.recover_stalled_jobs`).
"""

from __future__ import annotations

from agents.services.eval_runner import run_eval
from agents.services.schedules import carry_out
from agents.services.webhook_delivery import deliver_webhook

__all__ = ["carry_out", "deliver_webhook", "run_eval"]
