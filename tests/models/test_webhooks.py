"""Webhooks and their deliveries: how they read in the admin, when a try is due, and the
statuses the database accepts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Delivery, Webhook
from tests.helpers import refused_by_database

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(hook, agent, make_version, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        make_version(agent)
    return Delivery.objects.get(webhook=hook, event="version.saved")


def test_a_webhook_and_a_delivery_name_what_they_are(hook, delivery):
    assert str(hook) == f"{hook.url} ({hook.public_id})"
    assert str(delivery) == f"version.saved → {hook.pk} ({delivery.public_id})"


def test_a_try_is_due_within_the_minute_it_is_planned_for(delivery):
    delivery.next_attempt_at = timezone.now() + timedelta(seconds=30)
    assert delivery.next_try_due
    delivery.next_attempt_at = timezone.now() + timedelta(minutes=5)
    assert not delivery.next_try_due


def test_the_database_refuses_an_unknown_status_or_a_malformed_id(hook, delivery):
    refused_by_database(Delivery.objects.filter(pk=delivery.pk), status="lost")
    refused_by_database(Webhook.objects.filter(pk=hook.pk), public_id="wh_BAD")
