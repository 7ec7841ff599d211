"""Alerts: what a person recognises one by, and one regression alert per release."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import Alert

pytestmark = pytest.mark.django_db


def regression(agent, version, release):
    return Alert.objects.create(
        agent=agent,
        kind="version_regression",
        version=version,
        release=release,
        metric="completion_rate",
        detail="58% against 80%",
    )


def test_an_alert_is_titled_by_agent_kind_and_version(agent, released):
    version, event = released
    alert = regression(agent, version, event)
    assert alert.title == f"{agent.name}: Version regression (v1)"
    assert str(alert) == alert.public_id


def test_the_database_keeps_one_regression_alert_per_release(agent, released):
    version, event = released
    regression(agent, version, event)
    with pytest.raises(IntegrityError), transaction.atomic():
        regression(agent, version, event)
