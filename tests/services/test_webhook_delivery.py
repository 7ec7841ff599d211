"""Webhook deliveries: signed, in order, retried with backoff, never blocking a change, swept."""

import json
import socket
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from agents.domain.webhooks import verify
from agents.models import Delivery, DeliveryAttempt
from agents.services import channels, labels, rollouts, webhooks
from agents.services import releases as releases_services
from agents.services import webhook_delivery as webhook_delivery_services
from tests.helpers import edit, run_worker

pytestmark = pytest.mark.django_db


def test_a_release_is_delivered_signed_with_its_event_and_delivery_ids(
    agent, make_version, user, hook, receiver
):
    version = make_version(agent)
    releases_services.release_version(version=version, user=user, note="Launch")
    run_worker()
    releases = [r for r in receiver.requests if r["headers"]["X-Console-Event"] == "release"]
    assert len(releases) == 1
    request = releases[0]
    assert verify(
        hook.secret,
        request["headers"]["X-Console-Signature"],
        request["body"],
        now=int(time.time()),
    )
    assert not verify(
        "whsec_wrong",
        request["headers"]["X-Console-Signature"],
        request["body"],
        now=int(time.time()),
    )
    payload = json.loads(request["body"])
    assert set(payload) == {"id", "event", "created_at", "data"}
    assert payload["data"]["agent"]["id"] == agent.public_id
    assert payload["data"]["version"] == version.number
    assert payload["data"]["note"] == "Launch"
    delivery = Delivery.objects.get(public_id=request["headers"]["X-Console-Delivery"])
    assert delivery.status == "delivered"
    assert delivery.response_code == 200


def test_events_of_one_agent_arrive_in_the_order_they_happened(
    agent, make_version, user, hook, receiver
):
    receiver.script = [500]  # the first delivery fails once: the rest wait behind it
    v1 = make_version(agent)  # draft.updated, version.saved
    releases_services.release_version(version=v1, user=user)  # release
    v2 = make_version(agent)  # draft.updated, version.saved
    labels.move_label(agent=agent, name="staging", version=v2, user=user)  # label.moved
    run_worker()
    events = [(json.loads(r["body"])["event"]) for r in receiver.requests]
    assert events == [
        "draft.updated",  # the failed try…
        "draft.updated",  # …retried before anything after it
        "version.saved",
        "release",
        "draft.updated",
        "version.saved",
        "label.moved",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_failure_is_retried_and_every_try_is_logged(agent, user, hook, receiver):
    receiver.script = [500, 503]
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    run_worker()
    delivery = Delivery.objects.get(event="draft.updated")
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    tries = list(
        DeliveryAttempt.objects.filter(delivery=delivery).values_list("number", "response_code")
    )
    assert tries == [(1, 500), (2, 503), (3, 200)]
    # The same body every time, with the same delivery id.
    assert len({r["body"] for r in receiver.requests}) == 1


def test_it_gives_up_after_the_last_try(agent, user, hook, receiver, settings):
    settings.WEBHOOK_MAX_TRIES = 5
    receiver.script = [500] * 10
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    run_worker()
    delivery = Delivery.objects.get(event="draft.updated")
    assert delivery.status == "failed"
    assert delivery.attempts == 5
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 5


def test_the_backoff_grows_between_tries(agent, user, hook, receiver, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    receiver.script = [500]
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    run_worker()
    delivery = Delivery.objects.get(event="draft.updated")
    assert delivery.status == "pending"
    wait = delivery.next_attempt_at - DeliveryAttempt.objects.get(delivery=delivery).at
    assert timedelta(seconds=29) < wait < timedelta(seconds=31)
    assert webhook_delivery_services.deliver(delivery.pk) == "not due, taken or done"
    later = timezone.now() + timedelta(seconds=31)
    assert webhook_delivery_services.deliver(delivery.pk, now=later) == "delivered"


def test_redirects_are_not_followed_and_a_slow_receiver_times_out(
    agent, user, hook, receiver, settings
):
    settings.WEBHOOK_MAX_TRIES = 1
    receiver.script = [302]
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    run_worker()
    moved = Delivery.objects.get(event="draft.updated")
    assert moved.status == "failed"
    assert "redirects are not followed" in moved.error
    assert [r["path"] for r in receiver.requests] == ["/"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    run_worker()
    slow = Delivery.objects.filter(event="draft.updated").latest("pk")
    assert slow.status == "failed"
    assert slow.error == "timed out"
    assert slow.duration_ms < 1000


def test_a_receiver_that_is_down_never_blocks_the_change(agent, make_version, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    webhooks.create_webhook(url=f"http://127.0.0.1:{port}/", events=["release"], user=user)
    version = make_version(agent)
    releases_services.release_version(version=version, user=user)
    # Released, with the delivery waiting for the worker: nothing was sent inline.
    agent.refresh_from_db()
    assert agent.released_version_id == version.pk
    assert Delivery.objects.get(event="release").status == "pending"
    assert not DeliveryAttempt.objects.exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # for the worker


def test_a_change_that_rolls_back_is_never_announced(agent, user, hook):
    def edit_then_fail():
        with transaction.atomic():
            edit(agent, {"llm": {"temperature": 0.1}}, user=user)
            raise RuntimeError("the caller failed after the edit")

    with pytest.raises(RuntimeError):
        edit_then_fail()
    assert not Delivery.objects.exists()


def test_a_worker_killed_mid_send_is_recovered_by_the_sweep(agent, user, hook, receiver):
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    delivery = Delivery.objects.get(event="draft.updated")
    # A worker claimed it (lease taken, try counted) and died before recording.
    claimed = timezone.now() - timedelta(minutes=5)
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=claimed, lease_until=timezone.now() + timedelta(seconds=30)
    )
    assert webhook_delivery_services.run_due_deliveries() == []  # its lease still runs: left alone
    assert webhook_delivery_services.deliver(delivery.pk) == "not due, taken or done"
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=claimed + timedelta(seconds=60))
    assert webhook_delivery_services.run_due_deliveries() == [f"{delivery.public_id} re-enqueued"]
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 2
    tries = list(delivery.tries.order_by("number"))
    assert [(t.number, t.response_code) for t in tries] == [(1, None), (2, 200)]
    assert tries[0].error.startswith("interrupted")


def test_test_events_and_redeliveries(user, hook, receiver):
    ping = webhooks.send_test_event(webhook=hook, user=user)
    run_worker()
    ping.refresh_from_db()
    assert ping.status == "delivered"
    assert receiver.requests[0]["headers"]["X-Console-Event"] == "ping"
    again = webhooks.redeliver(delivery=ping, user=user)
    run_worker()
    first, second = (json.loads(r["body"]) for r in receiver.requests)
    assert first == second  # the same event…
    assert (
        receiver.requests[1]["headers"]["X-Console-Delivery"] == again.public_id
    )  # …a new delivery
    assert again.public_id != ping.public_id


def test_only_subscribers_of_an_event_get_it(agent, make_version, user, receiver):
    webhooks.create_webhook(url=receiver.url, events=["rollback"], user=user)
    v1 = make_version(agent)
    releases_services.release_version(version=v1, user=user)
    v2 = make_version(agent)
    releases_services.release_version(version=v2, user=user)
    releases_services.release_version(version=v1, user=user)  # back to v1: a rollback
    run_worker()
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["rollback"]


def test_a_name_that_turns_private_later_is_refused_at_delivery(agent, user, monkeypatch, settings):
    settings.WEBHOOK_MAX_TRIES = 1
    monkeypatch.setattr("agents.services.webhooks.resolve", lambda host, port: ["93.184.216.34"])
    webhooks.create_webhook(url="http://hooks.example.com/", events=["draft.updated"], user=user)
    real = socket.getaddrinfo
    monkeypatch.setattr(
        "socket.getaddrinfo",
        lambda host, *a, **k: (
            real("127.0.0.1", *a, **k) if host == "hooks.example.com" else real(host, *a, **k)
        ),
    )
    edit(agent, {"llm": {"temperature": 0.1}}, user=user)
    run_worker()
    delivery = Delivery.objects.get(event="draft.updated")
    assert delivery.status == "failed"
    assert "resolves to 127.0.0.1" in delivery.error


def test_the_sweep_prunes_finished_deliveries_past_the_log_days(user, hook, receiver, settings):
    ping = webhooks.send_test_event(webhook=hook, user=user)
    waiting = webhooks.send_test_event(webhook=hook, user=user)
    Delivery.objects.filter(pk=ping.pk).update(status="delivered")
    later = timezone.now() + timedelta(days=settings.WEBHOOK_LOG_DAYS + 1)
    Delivery.objects.filter(pk=waiting.pk).update(lease_until=later)  # held by a worker
    assert "1 deliveries older than 30 days pruned" in webhook_delivery_services.run_due_deliveries(
        now=later
    )
    assert list(Delivery.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_a_webhook_deleted_while_a_delivery_is_sent_is_not_an_error(
    user, hook, receiver, monkeypatch
):
    ping = webhooks.send_test_event(webhook=hook, user=user)
    from agents.services import webhook_delivery

    real_send = webhook_delivery.send

    def send_then_delete(delivery):
        outcome = real_send(delivery)
        webhooks.delete_webhook(webhook=hook, user=user)
        return outcome

    monkeypatch.setattr(webhook_delivery, "send", send_then_delete)
    assert (
        webhook_delivery_services.deliver(ping.pk)
        == "the webhook was deleted while this was being sent"
    )
    assert not Delivery.objects.exists()


def test_rollout_steps_and_alerts_are_announced(agent, make_version, user, receiver):
    from agents.models import Alert

    webhooks.create_webhook(url=receiver.url, events=["rollout", "alert"], user=user)
    v1, v2 = make_version(agent), make_version(agent)
    releases_services.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(channel=channel, candidate=v2, user=user)
    rollouts.abort_rollout(rollout=rollout, user=user, reason="sounds off")
    Alert.objects.create(
        agent=agent,
        kind="rollout_rolled_back",
        version=v2,
        rollout=rollout,
        metric="completion_rate",
        detail="worse",
    )
    run_worker()
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [(b["event"], b["data"].get("kind")) for b in bodies] == [
        ("rollout", "started"),
        ("rollout", "aborted"),
        ("alert", None),
    ]
    assert bodies[0]["data"]["rollout"]["id"] == rollout.public_id
    assert bodies[0]["data"]["agent"]["id"] == agent.public_id
    assert bodies[1]["data"]["detail"] == "sounds off"
    assert bodies[2]["data"]["alert"]["rollout"] == rollout.public_id


def test_a_webhook_hears_its_own_workspaces_events_only(agent, user, hook, make_user, make_version):
    from agents.models import Delivery, Workspace
    from agents.services import agents as agents_services
    from agents.services import webhooks

    shop = Workspace.objects.create(name="Shop")
    root = make_user(superuser=True)
    theirs = agents_services.create_agent(name="Theirs", user=root, workspace=shop)
    their_hook = webhooks.create_webhook(
        url="https://hooks.example.com/shop", events=["version.saved"], user=root, workspace=shop
    )
    make_version(theirs, by=root)
    make_version(agent)
    assert set(Delivery.objects.filter(webhook=their_hook).values_list("subject", flat=True)) == {
        theirs.public_id
    }
    assert not Delivery.objects.filter(webhook=hook, subject=theirs.public_id).exists()
