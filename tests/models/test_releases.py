"""The release log, labels, release requests, reviews and scheduled releases: how each
reads, and what the database refuses."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.models import Label, ReleaseRequest, ReleaseReview, ScheduledRelease
from agents.services import approvals, labels, releases, schedules
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


def test_a_release_and_a_rollback_say_what_they_replaced(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    first = releases.release_version(version=v1, user=user)
    second = releases.release_version(version=v2, user=user)
    back = releases.release_version(version=v1, user=user)
    assert str(first) == "Release nothing → v1"
    assert str(second) == "Release v1 → v2"
    assert str(back) == "Rollback v2 → v1"


def test_label_names_are_unique_per_agent_and_never_reserved_words(agent, released, user):
    version, _ = released
    labels.move_label(agent=agent, name="staging", version=version, user=user)
    label = Label.objects.get(agent=agent, name="staging")
    assert str(label) == "staging"
    refused_by_database(Label.objects.filter(pk=label.pk), name="draft")
    refused_by_database(Label.objects.filter(pk=label.pk), name="Not A Name")


def test_a_request_is_titled_and_reviewed_once_per_person(agent, released, user, make_user):
    version, _ = released
    request = approvals.request_release(agent=agent, version=version, user=user, label="eu")
    assert request.title == f"{agent.name}: eu → v1"
    assert str(request) == request.public_id
    refused_by_database(ReleaseRequest.objects.filter(pk=request.pk), status="lost")
    reviewer = make_user("Releaser")
    ReleaseReview.objects.create(request=request, user=reviewer, verdict="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseReview.objects.create(request=request, user=reviewer, verdict="reject")


def test_a_schedule_knows_how_late_it_ran(agent, make_version, user):
    make_version(agent)
    v2 = make_version(agent)
    at = timezone.now() + timedelta(minutes=5)
    schedule = schedules.schedule_release(agent=agent, version=v2, at=at, user=user)
    assert schedule.late_by_s is None
    schedule.executed_at = at + timedelta(seconds=3)
    assert schedule.late_by_s == 3.0
    refused_by_database(ScheduledRelease.objects.filter(pk=schedule.pk), status="lost")
