"""The background jobs are declared once, each beside its service, and listed here for
the worker: each is a django-tasks task that enqueues on the database backend."""

from django_tasks.base import Task

from agents import tasks


def test_every_job_is_a_task_named_after_its_service():
    assert sorted(tasks.__all__) == ["carry_out", "deliver_webhook", "run_eval"]
    for name in tasks.__all__:
        job = getattr(tasks, name)
        assert isinstance(job, Task)
        assert job.module_path.startswith("agents.services.")
