"""Reads of webhooks and their delivery log, filtered by status and event."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import webhooks
from agents.services import webhooks as webhooks_services

pytestmark = pytest.mark.django_db


def test_webhooks_and_deliveries_are_found_and_filtered(user):
    hook = webhooks_services.create_webhook(
        url="https://hooks.example.com/in", events=["release"], user=user
    )
    sent = webhooks_services.send_test_event(webhook=hook, user=user)
    assert list(webhooks.webhook_list()) == [hook]
    assert webhooks.webhook(hook.public_id) == hook
    assert list(webhooks.deliveries(hook)) == [sent]
    assert list(webhooks.deliveries(hook, event="release")) == []
    assert list(webhooks.deliveries(hook, status=sent.status)) == [sent]
    assert webhooks.delivery(hook, sent.public_id) == sent
    with pytest.raises(UnknownReference):
        webhooks.webhook("wh_nothinghere")
    with pytest.raises(UnknownReference):
        webhooks.delivery(hook, "dl_nothinghere")
