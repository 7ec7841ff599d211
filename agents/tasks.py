"""Background jobs (django-tasks; the database backend, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from agents import services


@task()
def run_eval(run_id: int) -> dict:
    """Execute one eval run. A crash of the job itself ends the run in `error`
    with the reason, instead of leaving it "running" forever."""
    try:
        run = services.execute_eval_run(run_id=run_id)
    except Exception as exc:
        services.fail_eval_run(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"run": run.public_id, "status": run.status, "passed": run.passed_count}
