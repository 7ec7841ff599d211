"""Releases at a set time: once, late but recorded, rules checked again when it runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agents.domain.exceptions import ApprovalRequired, InvalidInput, InvalidState
from agents.models import Agent, ReleaseEvent, ScheduledRelease
from agents.services import agents, approvals, releases, schedules
from tests.helpers import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    return agent, v1, v2


def soon(seconds=3600):
    return timezone.now() + timedelta(seconds=seconds)


def live(agent):
    return Agent.objects.get(pk=agent.pk).released_version.number


def test_a_schedule_runs_once_at_or_after_its_time_and_says_how_late(two, user):
    agent, _, v2 = two
    schedule = schedules.schedule_release(agent=agent, version=v2, at=soon(), user=user)
    assert schedule.status == "pending"
    assert schedules.execute_schedule(schedule.pk).status == "pending"  # not yet
    assert live(agent) == 1
    later = schedule.at + timedelta(minutes=5)
    done = schedules.execute_schedule(schedule.pk, now=later)
    assert (done.status, live(agent)) == ("done", 2)
    assert done.late_by_s is not None
    again = schedules.execute_schedule(schedule.pk, now=later)
    assert again.status == "done"
    assert ReleaseEvent.objects.filter(agent=agent, version=v2).count() == 1


def test_the_worker_carries_it_out_and_the_sweep_catches_a_lost_job(two, user):
    agent, _, v2 = two
    schedule = schedules.schedule_release(agent=agent, version=v2, at=soon(), user=user)
    run_worker()  # the job waits for its moment
    assert ScheduledRelease.objects.get(pk=schedule.pk).status == "pending"
    ScheduledRelease.objects.filter(pk=schedule.pk).update(at=timezone.now() - timedelta(hours=1))
    assert schedules.run_due_schedules() == [f"{schedule.public_id} done"]
    assert live(agent) == 2


@pytest.mark.parametrize(
    "at",
    [
        lambda: timezone.now() - timedelta(seconds=1),
        lambda: timezone.now().replace(tzinfo=None) + timedelta(hours=1),
        lambda: timezone.now() + timedelta(days=400),
    ],
)
def test_past_naive_or_far_times_are_refused(two, user, at):
    agent, _, v2 = two
    with pytest.raises(InvalidInput):
        schedules.schedule_release(agent=agent, version=v2, at=at(), user=user)
    assert not ScheduledRelease.objects.exists()


def test_rules_are_checked_again_when_it_runs_and_a_refusal_is_recorded(two, user):
    agent, _, v2 = two
    schedule = schedules.schedule_release(agent=agent, version=v2, at=soon(), user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    failed = schedules.execute_schedule(schedule.pk, now=schedule.at)
    assert failed.status == "failed"
    assert "needs 1 approval" in failed.failure
    assert live(agent) == 1


def test_with_approvals_only_an_approved_request_is_scheduled(two, user, make_user):
    agent, _, v2 = two
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    with pytest.raises(ApprovalRequired):
        schedules.schedule_release(agent=agent, version=v2, at=soon(), user=user)
    request = approvals.request_release(agent=agent, version=v2, user=user)
    with pytest.raises(InvalidState):
        approvals.schedule_request(request=request, user=user, at=soon())
    approvals.approve_request(request=request, user=make_user("Releaser"))
    schedule = approvals.schedule_request(request=request, user=user, at=soon())
    assert schedules.execute_schedule(schedule.pk, now=schedule.at).status == "done"
    assert live(agent) == 2


def test_cancel_before_it_runs(two, user, make_user):
    agent, _, v2 = two
    schedule = schedules.schedule_release(agent=agent, version=v2, at=soon(), user=user)
    with pytest.raises(PermissionDenied):
        schedules.cancel_schedule(schedule=schedule, user=make_user("Editor"))
    assert schedules.cancel_schedule(schedule=schedule, user=user).status == "cancelled"
    assert schedules.execute_schedule(schedule.pk, now=soon(7200)).status == "cancelled"
    assert live(agent) == 1
    with pytest.raises(InvalidState):
        schedules.cancel_schedule(schedule=schedule, user=user)


def test_editors_cannot_schedule_production(two, make_user):
    agent, _, v2 = two
    with pytest.raises(PermissionDenied):
        schedules.schedule_release(agent=agent, version=v2, at=soon(), user=make_user("Editor"))
