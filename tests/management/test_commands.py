"""Management commands: demo data."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from agents.models import Agent, ReleaseEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_agent_per_status_and_a_login(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "username 'demo' password 'demo-console'" in out
    statuses = {a.name: a.status for a in Agent.objects.select_related("draft", "released_version")}
    assert sorted(statuses.values()) == ["published", "unpublished", "unpublished_changes"]
    changed = Agent.objects.get(name="Clinic Appointment Scheduler")
    assert changed.versions.count() >= 3
    assert ReleaseEvent.objects.filter(agent=changed, kind="rollback").exists()
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username="demo", password="demo-console"
        )
        is not None
    )


def test_seed_demo_adds_channels_and_traffic_for_analytics():
    from agents.models import Channel, Conversation
    from agents.selectors import version_stats

    call_command("seed_demo")
    scheduler = Agent.objects.get(name="Clinic Appointment Scheduler")
    channels = Channel.objects.filter(agent=scheduler)
    assert channels.count() == 2
    assert any(c.variants for c in channels)
    assert Conversation.objects.filter(agent=scheduler, ended_at__isnull=False).count() >= 2000
    assert {s.label for s in version_stats(scheduler)} == {"v1", "v2", "v3"}


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    from agents.models import Channel, Conversation

    def counts():
        return (
            Agent.objects.count(),
            ReleaseEvent.objects.count(),
            Channel.objects.count(),
            Conversation.objects.count(),
        )

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username="demo", password="demo-console"
        )
        is not None
    )


def _demo_login_works() -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username="demo", password="demo-console") is not None


def test_seed_demo_shows_release_management():
    from agents.models import Label, ReleaseRequest, ScheduledRelease

    call_command("seed_demo")
    assert Label.objects.get(name="staging").version.number == 3
    request = ReleaseRequest.objects.get()
    assert (request.status, request.requested_by.username, request.agent.approvals_required) == (
        "open",
        "ann",
        1,
    )
    assert ScheduledRelease.objects.get().status == "pending"
    call_command("seed_demo")  # once
    assert ReleaseRequest.objects.count() == ScheduledRelease.objects.count() == 1
