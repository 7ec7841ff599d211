"""Releases at a set time: carried out by the job worker at or after the moment,
exactly once, with the gate and approvals checked again then."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from agents.domain import moments
from agents.domain.exceptions import AgentConsoleError, ApprovalRequired, InvalidInput, InvalidState
from agents.domain.text import clean_text
from agents.models import Agent, PublishedVersion, ReleaseRequest, ScheduledRelease
from agents.selectors.releases import release_plan
from agents.services.audit import audited
from agents.services.base import User, actor, check_active, record
from agents.services.gate import can_release
from agents.services.labels import check_label_name
from agents.services.releases import move_pointer

logger = logging.getLogger(__name__)
Status = ScheduledRelease.Status
MAX_AHEAD = timedelta(days=366)


@audited("schedule.create")
def schedule_release(
    *,
    agent: Agent,
    version: PublishedVersion,
    at: datetime,
    user: User,
    label: str = "released",
    note: str = "",
    gate_override_note: str = "",
    request: ReleaseRequest | None = None,
) -> ScheduledRelease:
    """Release `version` (or move `label` to it) at `at`, a moment in the future.

    Who may move the pointer now may schedule it; when approvals are required the
    schedule must carry out an approved request. Both are checked again when it runs."""
    label = check_label_name(label)
    note = clean_text(note, path="note", required=False, max_length=2_000)
    gate_override_note = clean_text(
        gate_override_note, path="gate_override_note", required=False, max_length=2_000
    )
    now = timezone.now()
    if at.tzinfo is None:
        raise InvalidInput([{"path": "at", "message": "give a time zone (e.g. Z or +02:00)"}])
    # Stored in UTC: an offset no zone has (+16:00 up to ±23:59, which ISO 8601 allows)
    # is only a way of writing a moment, and PostgreSQL refuses to store it as given.
    at = moments.in_utc(at, path="at")
    if at <= now:
        raise InvalidInput([{"path": "at", "message": "must be in the future"}])
    if at > now + MAX_AHEAD:
        raise InvalidInput([{"path": "at", "message": "must be within a year"}])
    if version.agent_id != agent.pk:
        raise InvalidInput([{"path": "version", "message": "must be one of the agent's versions"}])
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        check_active(locked)
        plan = release_plan(agent=locked, version=version, label=label)
        if plan.protected and not can_release(user, locked):
            raise PermissionDenied(f"Only Releasers schedule moves of {label!r}.")
        if plan.needs_approval and request is None:
            raise ApprovalRequired(
                f"“{locked.name}” needs approval first: schedule an approved request.",
                details={"approvals_required": plan.approvals_required},
            )
        schedule = ScheduledRelease(
            agent=locked,
            version=version,
            label=label,
            at=at,
            note=note,
            gate_override_note=gate_override_note,
            request=request,
            created_by=actor(user),
        )
        record(schedule, user, "Scheduled")
        schedule.save()
        schedule.job_id = str(carry_out.using(run_after=at).enqueue(schedule.pk).id)
        schedule.save(update_fields=["job_id"])
        return schedule


@audited("schedule.cancel", subject_arg="schedule")
def cancel_schedule(*, schedule: ScheduledRelease, user: User) -> ScheduledRelease:
    """Cancel before it runs (who created it, or a Releaser)."""
    with transaction.atomic():
        locked = ScheduledRelease.objects.select_for_update().get(pk=schedule.pk)
        if locked.created_by_id != getattr(user, "pk", None) and not can_release(user, locked):
            raise PermissionDenied("Only who scheduled it or a Releaser cancels a schedule.")
        if locked.status != Status.PENDING:
            raise InvalidState(f"{locked.public_id} is {locked.status}: it cannot be cancelled.")
        locked.status = Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = actor(user)
        record(locked, user, "Cancelled")
        locked.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        return locked


def execute_schedule(schedule_id: int, *, now: datetime | None = None) -> ScheduledRelease:
    """Carry out one schedule if it is pending and due: exactly once whoever calls
    (the job, or a sweep after a worker died), recorded done or failed with why."""
    now = now or timezone.now()
    with transaction.atomic():
        schedule = (
            ScheduledRelease.objects.select_for_update(of=("self",))
            .select_related("version", "created_by", "request")
            .get(pk=schedule_id)
        )
        if schedule.status != Status.PENDING or schedule.at > now:
            return schedule
        _carry_out_now(schedule)
        return schedule


@audited("schedule.execute", subject_arg="schedule")
def _carry_out_now(schedule: ScheduledRelease) -> None:
    try:
        with transaction.atomic():
            move_pointer(
                version=schedule.version,
                label=schedule.label,
                user=schedule.created_by,
                note=schedule.note or f"Scheduled for {schedule.at:%Y-%m-%d %H:%M} UTC",
                gate_override_note=schedule.gate_override_note or None,
                request=schedule.request,
            )
    except (AgentConsoleError, PermissionDenied) as exc:
        schedule.status = Status.FAILED
        schedule.failure = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    else:
        schedule.status = Status.DONE
    schedule.executed_at = timezone.now()
    record(schedule, None, schedule.get_status_display())
    schedule.save(update_fields=["status", "failure", "executed_at"])


def run_due_schedules(*, now: datetime | None = None) -> list[str]:
    """Every pending schedule whose time has come (a sweep: nothing is missed when
    the job that should have run it is gone)."""
    now = now or timezone.now()
    due = ScheduledRelease.objects.filter(status=Status.PENDING, at__lte=now).values_list(
        "pk", flat=True
    )
    done = []
    for pk in list(due[:100]):
        schedule = execute_schedule(pk, now=now)
        if schedule.status != Status.PENDING:
            done.append(f"{schedule.public_id} {schedule.status}")
    return done


@task()
def carry_out(schedule_id: int) -> str:
    """The job enqueued for a schedule's moment."""
    return execute_schedule(schedule_id).status
