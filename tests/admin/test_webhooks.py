"""Webhooks in the admin: read-only, the secret never shown, redeliver through the service."""

import pytest
from django.urls import reverse

from agents.models import Delivery
from agents.services import webhooks

pytestmark = pytest.mark.django_db


def test_webhooks_and_deliveries_are_listed_read_only_without_the_secret(client, make_user, user):
    hook = webhooks.create_webhook(
        url="https://hooks.example.com/in", events=["release"], user=user
    )
    ping = webhooks.send_test_event(webhook=hook, user=user)
    client.force_login(make_user(superuser=True))
    for name in ("webhook", "delivery"):
        assert client.get(reverse(f"admin:agents_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:agents_webhook_change", args=[hook.pk])).content
    assert b"hooks.example.com" in page
    assert hook.secret.encode() not in page
    assert client.get(reverse("admin:agents_webhook_add")).status_code == 403
    changelist = reverse("admin:agents_delivery_changelist")
    client.post(changelist, {"action": "redeliver", "_selected_action": [ping.pk]})
    assert Delivery.objects.filter(redelivery_of=ping).count() == 1
