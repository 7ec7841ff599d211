"""Reads of scheduled releases: an agent's in time order, one by its id."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.domain.exceptions import UnknownReference
from agents.selectors import schedules
from agents.services import schedules as schedules_services

pytestmark = pytest.mark.django_db


def test_schedules_are_listed_soonest_first_and_found_by_id(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    later = schedules_services.schedule_release(
        agent=agent, version=v2, at=timezone.now() + timedelta(days=2), user=user
    )
    sooner = schedules_services.schedule_release(
        agent=agent, version=v1, at=timezone.now() + timedelta(days=1), user=user
    )
    assert list(schedules.scheduled_releases(agent)) == [sooner, later]
    schedules_services.cancel_schedule(schedule=later, user=user)
    assert list(schedules.scheduled_releases(agent, pending_only=True)) == [sooner]
    assert schedules.scheduled_release(sooner.public_id) == sooner
    with pytest.raises(UnknownReference):
        schedules.scheduled_release("sr_nothinghere")
