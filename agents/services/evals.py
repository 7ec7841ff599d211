"""Eval suites and their cases, and starting a run in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from agents.domain import checks as checks_domain
from agents.domain import references
from agents.domain.exceptions import InvalidInput
from agents.domain.references import agent_ref
from agents.domain.text import clean_metadata
from agents.models import Agent, EvalCase, EvalRun, EvalSuite
from agents.selectors import runtime
from agents.services.audit import audited
from agents.services.base import User, actor, record
from agents.services.conversations import bind
from agents.services.eval_runner import run_eval


def _bump_suite(suite: EvalSuite, user: User, reason: str) -> EvalSuite:
    """Cases changed: the suite's revision moves, so older runs no longer count as
    having tested it (the release gate asks for a run of the suite as it is)."""
    locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
    locked.revision += 1
    locked.updated_at = timezone.now()
    record(locked, user, reason)
    locked.save(update_fields=["revision", "updated_at"])
    return locked


@audited("eval_suite.create")
def create_eval_suite(
    *,
    agent: Agent,
    name: str,
    user: User,
    description: str = "",
    cases: list[dict[str, Any]] | None = None,
) -> EvalSuite:
    """A suite for `agent`, optionally with its first cases (all valid, or nothing saved)."""
    metadata = clean_metadata(name, description)
    cleaned = []
    problems: list[dict[str, str]] = []
    for i, case in enumerate(cases or []):
        try:
            cleaned.append(checks_domain.clean_case(case if isinstance(case, dict) else {}))
        except InvalidInput as exc:
            problems.extend({**p, "path": f"cases[{i}].{p['path']}"} for p in exc.errors)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        suite = EvalSuite(agent=agent, created_by=actor(user), **metadata)
        record(suite, user, "Created")
        suite.save()
        for fields in cleaned:
            case = EvalCase(suite=suite, **fields)
            record(case, user, "Created")
            case.save()
    return suite


@audited("eval_suite.update", subject_arg="suite")
def update_eval_suite(
    *, suite: EvalSuite, user: User, name: str | None = None, description: str | None = None
) -> EvalSuite:
    """Rename or describe a suite; its cases (and revision) stay."""
    fields = clean_metadata(name, description)
    with transaction.atomic():
        locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
        changed = [key for key, value in fields.items() if getattr(locked, key) != value]
        if changed:
            for key in changed:
                setattr(locked, key, fields[key])
            locked.updated_at = timezone.now()
            record(locked, user, "Edited")
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


@audited("eval_case.create")
def add_eval_case(
    *,
    suite: EvalSuite,
    name: str,
    messages: list[dict[str, str]],
    user: User,
    checks: list[dict[str, Any]] | None = None,
) -> EvalCase:
    cleaned = checks_domain.clean_case({"name": name, "messages": messages, "checks": checks or []})
    with transaction.atomic():
        _bump_suite(suite, user, f"Added case “{cleaned['name']}”")
        case = EvalCase(suite=suite, **cleaned)
        record(case, user, "Created")
        case.save()
    return case


@audited("eval_case.update", subject_arg="case")
def update_eval_case(*, case: EvalCase, user: User, **changes: Any) -> EvalCase:
    """Change a case's name, messages or checks (validated together)."""
    unknown = set(changes) - {"name", "messages", "checks"}
    if unknown:
        raise InvalidInput([{"path": key, "message": "unknown field"} for key in sorted(unknown)])
    with transaction.atomic():
        locked = EvalCase.objects.select_for_update().get(pk=case.pk)
        current = {"name": locked.name, "messages": locked.messages, "checks": locked.checks}
        cleaned = checks_domain.clean_case({**current, **changes})
        if cleaned == current:
            return locked
        _bump_suite(locked.suite, user, f"Edited case “{cleaned['name']}”")
        for key, value in cleaned.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        record(locked, user, "Edited")
        locked.save()
    return locked


@audited("eval_case.delete", subject_arg="case")
def delete_eval_case(*, case: EvalCase, user: User) -> None:
    """Past results keep the case's name; only the suite loses it from now on."""
    with transaction.atomic():
        _bump_suite(case.suite, user, f"Deleted case “{case.name}”")
        record(case, user, None)
        case.delete()


@audited("eval_run.start")
def start_eval_run(*, suite: EvalSuite, target: Any, user: User) -> EvalRun:
    """Bind a run of `suite` to one frozen configuration and queue it for a worker.

    The job row is written in the same transaction as the run (the database task
    backend), so a run is never queued without its job nor a job without its run.
    """
    agent = suite.agent
    ref = agent_ref(agent.public_id, references.parse(target))
    with transaction.atomic():
        locked = EvalSuite.objects.select_for_update().get(pk=suite.pk)
        cases = [
            {"ref": c.public_id, "name": c.name, "messages": c.messages, "checks": c.checks}
            for c in locked.cases.order_by("id")
        ]
        if not cases:
            raise InvalidInput([{"path": "cases", "message": "the suite has no cases to run"}])
        resolved, snapshot = bind(ref)
        run = EvalRun.objects.create(
            suite=locked,
            agent=agent,
            version_id=resolved.version_pk,
            snapshot=snapshot,
            content_hash=resolved.content_hash,
            target_label=_runtime_label(resolved),
            suite_revision=locked.revision,
            cases=cases,
            case_count=len(cases),
            created_by=actor(user),
        )
        run.job_id = str(run_eval.enqueue(run.pk).id)
        run.save(update_fields=["job_id"])
    return run


def _runtime_label(resolved: runtime.Resolved) -> str:
    """ "v3", "draft" or "r12": how the run names what it ran against."""
    return f"v{resolved.version}" if resolved.version_pk is not None else str(resolved.version)
