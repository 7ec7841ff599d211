"""The demo data `make run` loads (`agents/management/demo.py`, written by `seed_demo`)."""

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
    agents = Agent.objects.agents().select_related("draft", "released_version")
    statuses = {a.name: a.status for a in agents}
    assert set(statuses.values()) == {"published", "unpublished", "unpublished_changes"}
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
    from agents.selectors import conversations

    call_command("seed_demo")
    scheduler = Agent.objects.get(name="Clinic Appointment Scheduler")
    channels = Channel.objects.filter(agent=scheduler)
    assert channels.count() == 3  # main line, the A/B widget, the evening line's rollout
    assert any(c.variants for c in channels)
    assert Conversation.objects.filter(agent=scheduler, ended_at__isnull=False).count() >= 2000
    assert {s.label for s in conversations.version_stats(scheduler)} == {"v1", "v2", "v3"}


def test_seed_demo_shows_a_completed_and_a_rolled_back_rollout():
    from agents.models import Alert, Channel, Rollout

    call_command("seed_demo")
    done, undone = (Rollout.objects.get(status=s) for s in ("completed", "rolled_back"))
    assert (done.channel.name, done.candidate.label) == ("Shop chat widget", "v2")
    widget = Channel.objects.get(pk=done.channel_id)
    assert (widget.target, widget.variants) == ({"version": 2}, None)
    assert [e.kind for e in done.events.all()] == ["started", "advanced", "completed"]
    assert (undone.channel.name, undone.candidate.label) == ("Clinic evening line", "v3")
    alert = Alert.objects.get(rollout=undone)
    assert alert.acked_at is None
    assert "worse by" in alert.detail


def test_seed_demo_has_a_prompt_library_with_a_release_waiting():
    from agents.selectors import prompts

    call_command("seed_demo")
    policy = Agent.objects.prompts().get(name="Cancellation policy")
    assert (policy.released_version.number, policy.versions.count()) == (1, 2)
    [affected] = prompts.impact(policy, policy.versions.get(number=2))
    assert affected.ref.endswith("@draft")
    assert "Appointments at Riverside Family Clinic cancelled" in affected.after


def test_seed_demo_has_an_imported_agent_and_a_webhook(capsys):
    from agents.models import Delivery, Webhook

    call_command("seed_demo")
    assert (
        "Imported “Riverside Dental Receptionist” from a Vapi assistant" in capsys.readouterr().out
    )
    dental = Agent.objects.get(name="Riverside Dental Receptionist")
    assert dental.versions.get().config["llm"]["model"] == "gpt-4o"
    assert dental.revisions.filter(reason="Imported (vapi)").exists()
    hook = Webhook.objects.get()
    assert hook.events == ["release", "rollback", "alert"]
    assert Delivery.objects.get(webhook=hook).event == "ping"


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


def test_seed_demo_shows_quality_signals_judges_and_a_latency_rollback():
    from agents.models import Alert, Judge, Judgement, Rollout
    from agents.selectors import verdicts

    call_command("seed_demo")
    undone = Rollout.objects.get(status="rolled_back")
    assert Alert.objects.get(rollout=undone).metric == "latency_ms"
    scheduler = undone.channel.agent
    compared = verdicts.compare(scheduler, "v2", "v3")
    found = {row.metric: row.comparison.verdict for row in compared.rows}
    assert found["completion_rate"] == "no_difference"
    assert (found["latency_ms"], found["satisfaction"]) == ("worse", "worse")
    assert (
        "slower at p95"
        in next(r for r in compared.rows if r.metric == "latency_ms").comparison.sentence
    )
    assert {j.name for j in Judge.objects.filter(agent=scheduler)} == {"polite", "helpful"}
    assert Judgement.objects.filter(status="scored").count() > 50


def test_seed_demo_has_a_change_request_with_a_conflict_to_resolve():
    from agents.models import ChangeRequest
    from agents.selectors import change_requests

    call_command("seed_demo")
    cr = change_requests.change_request(ChangeRequest.objects.get().public_id)
    assert (cr.branch.name, cr.status) == ("refund-policy", "open")
    assert len(cr.threads) == 2
    assert sum(c.has_suggestion for c in cr.threads) == 1
    assert change_requests.standing(cr).mergeable  # one approval of one required
    preview = change_requests.preview(cr)
    assert [c.path for c in preview.merged.conflicts] == ["prompt.system_prompt"]
    call_command("seed_demo")  # again: nothing added twice
    assert ChangeRequest.objects.count() == 1
