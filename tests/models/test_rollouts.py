"""Rollouts: one in flight per channel, and the statuses and limits the database holds."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import Rollout
from agents.services import channels, releases, rollouts
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


@pytest.fixture
def rollout(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    return rollouts.start_rollout(channel=channel, candidate=v2, user=user, steps=[20, 100])


def test_a_rollout_starts_running_at_its_first_step(rollout):
    assert rollout.public_id.startswith("ro_")
    assert (rollout.status, rollout.step, rollout.steps) == ("running", 0, [20, 100])


def test_the_database_refuses_a_second_rollout_in_flight_on_a_channel(rollout):
    copy = Rollout.objects.filter(pk=rollout.pk).values()[0]
    copy.pop("id")
    copy["public_id"] = "ro_aaaaaaaaaa"
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollout.objects.create(**copy)


def test_the_database_refuses_an_unknown_status_or_a_drop_out_of_range(rollout):
    rows = Rollout.objects.filter(pk=rollout.pk)
    refused_by_database(rows, status="exploded")
    refused_by_database(rows, max_drop=1.5)
