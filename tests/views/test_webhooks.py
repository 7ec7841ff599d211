"""The webhook pages: created with the secret shown once, deliveries logged, for
Releasers only."""

import pytest
from django.urls import reverse

from agents.models import Delivery, Webhook
from agents.services import webhooks
from tests.helpers import run_worker

pytestmark = pytest.mark.django_db


def test_webhook_pages_create_show_the_secret_once_and_log_deliveries(client, user, receiver):
    client.force_login(user)
    created = client.post(
        reverse("agents:webhooks"),
        {"url": receiver.url, "events": ["release", "draft.updated"], "description": "CI"},
    )
    assert created.status_code == 201
    hook = Webhook.objects.get()
    assert hook.secret in created.content.decode()
    assert hook.secret not in client.get(reverse("agents:webhooks")).content.decode()
    detail = reverse("agents:webhook", args=[hook.public_id])
    assert hook.secret not in client.get(detail).content.decode()
    client.post(reverse("agents:webhook-action", args=[hook.public_id, "test"]))
    run_worker()
    page = client.get(detail).content.decode()
    assert "ping" in page
    assert "Delivered" in page
    ping = Delivery.objects.get()
    client.post(reverse("agents:redeliver", args=[hook.public_id, ping.public_id]))
    assert Delivery.objects.count() == 2
    rotated = client.post(reverse("agents:webhook-action", args=[hook.public_id, "rotate"]))
    hook.refresh_from_db()
    assert hook.secret in rotated.content.decode()
    bad = client.post(detail, {"url": "ftp://x", "events": ["release"]}).content.decode()
    assert "only http:// and https:// URLs" in bad
    client.post(reverse("agents:webhook-action", args=[hook.public_id, "delete"]))
    assert not Webhook.objects.exists()


def test_only_releasers_see_webhooks(client, make_user, user):
    hook = webhooks.create_webhook(url="https://hooks.example.com/", events=["release"], user=user)
    client.force_login(make_user("Editor"))
    assert client.get(reverse("agents:webhooks")).status_code == 403
    assert client.get(reverse("agents:webhook", args=[hook.public_id])).status_code == 403
    assert b"Webhooks</a>" not in client.get(reverse("agents:list")).content
    client.force_login(make_user("Releaser"))
    assert client.get(reverse("agents:webhooks")).status_code == 200
    assert b"Webhooks</a>" in client.get(reverse("agents:list")).content
