"""Webhook subscriptions: create (the secret shown once), change, delete, and the
two buttons of the deliveries page, "Send test event" and "Redeliver"."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from agents.domain.exceptions import InvalidInput
from agents.domain.network import first_private
from agents.domain.permissions import MANAGE_WEBHOOKS
from agents.domain.text import clean_text
from agents.domain.webhooks import url_problems
from agents.models import EVENTS, TEST_EVENT, Delivery, Webhook, new_event_id
from agents.services.audit import audited
from agents.services.base import User, actor, record
from agents.services.placement import workspace_for_new
from agents.services.webhook_delivery import body, enqueue, resolve


def _check(user: User, webhook: Webhook) -> None:
    if user is None or not user.has_perm(MANAGE_WEBHOOKS, webhook):
        raise PermissionDenied("Releasers manage webhooks.")


def check_url(url: Any) -> str:
    """A deliverable URL, or InvalidInput at `url`: http(s) only, and no private,
    loopback or link-local target (by address, or by what a name resolves to now;
    checked again on every delivery) unless WEBHOOK_ALLOW_PRIVATE."""
    allow = settings.WEBHOOK_ALLOW_PRIVATE
    url = url.strip() if isinstance(url, str) else url
    problems = url_problems(url, allow_private=allow)
    if not problems and not allow:
        parts = urlsplit(url)
        if found := first_private(resolve(parts.hostname or "", parts.port or 443)):
            problems = [f"{parts.hostname} resolves to {found[0]}, {found[1]}"]
    if problems:
        raise InvalidInput([{"path": "url", "message": problems[0]}])
    return url


def check_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise InvalidInput([{"path": "events", "message": f"one or more of {', '.join(EVENTS)}"}])
    for index, event in enumerate(events):
        if event not in EVENTS:
            raise InvalidInput(
                [
                    {
                        "path": f"events[{index}]",
                        "message": f"unknown event; one of {', '.join(EVENTS)}",
                    }
                ]
            )
    return [event for event in EVENTS if event in events]  # the catalogue's order, once each


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@audited("webhook.create")
def create_webhook(
    *, url: Any, events: Any, user: User, description: Any = "", workspace: Any = None
) -> Webhook:
    """Subscribe `url` to `events` of `workspace` (see placement.workspace_for_new).
    `webhook.secret` is shown to the caller this once."""
    if user is None:
        raise PermissionDenied("Releasers manage webhooks.")
    home = workspace_for_new(user, workspace, perm=MANAGE_WEBHOOKS)
    problems: list[dict[str, str]] = []
    cleaned: dict[str, Any] = {}
    for name, check in (
        ("url", lambda: check_url(url)),
        ("events", lambda: check_events(events)),
        (
            "description",
            lambda: clean_text(description, path="description", required=False, max_length=200),
        ),
    ):
        try:
            cleaned[name] = check()
        except InvalidInput as exc:
            problems += exc.errors
    if problems:
        raise InvalidInput(problems)
    webhook = Webhook(**cleaned, workspace=home, secret=new_secret(), created_by=actor(user))
    record(webhook, user, "Created")
    webhook.save()
    return webhook


@audited("webhook.update", subject_arg="webhook")
def update_webhook(
    *,
    webhook: Webhook,
    user: User,
    url: Any = None,
    events: Any = None,
    description: Any = None,
    active: Any = None,
    rotate_secret: bool = False,
) -> Webhook:
    """Change what is given (None: unchanged). `rotate_secret` makes a new secret,
    shown once; deliveries from then on are signed with it."""
    _check(user, webhook)
    if active is not None and not isinstance(active, bool):
        raise InvalidInput([{"path": "active", "message": "true or false"}])
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        if url is not None:
            locked.url = check_url(url)
        if events is not None:
            locked.events = check_events(events)
        if description is not None:
            locked.description = clean_text(
                description, path="description", required=False, max_length=200
            )
        if active is not None:
            locked.active = active
        if rotate_secret:
            locked.secret = new_secret()
        record(locked, user, "Secret rotated" if rotate_secret else "Changed")
        locked.save()
        return locked


@audited("webhook.delete", subject_arg="webhook")
def delete_webhook(*, webhook: Webhook, user: User) -> None:
    """Unsubscribe: the webhook and its delivery log go; nothing more is sent."""
    _check(user, webhook)
    record(webhook, user, "Deleted")
    webhook.delete()


@audited("webhook.test", subject_arg="webhook")
def send_test_event(*, webhook: Webhook, user: User) -> Delivery:
    """A `ping` to this webhook (whatever it subscribes to), delivered like any event."""
    _check(user, webhook)
    event_id = new_event_id()
    delivery = Delivery.objects.create(
        webhook=webhook,
        event=TEST_EVENT,
        event_id=event_id,
        payload=body(
            event_id,
            TEST_EVENT,
            {"webhook": webhook.public_id, "sent_by": user.get_username() if user else None},
        ),
    )
    enqueue([delivery.pk])
    return delivery


@audited("webhook.redeliver", subject_arg="delivery")
def redeliver(*, delivery: Delivery, user: User) -> Delivery:
    """Send a delivery again: the same body (the same event id, so a receiver can
    tell it has seen it), a new delivery id, a fresh set of tries."""
    _check(user, delivery.webhook)
    again = Delivery.objects.create(
        webhook_id=delivery.webhook_id,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        redelivery_of=delivery,
    )
    enqueue([again.pk])
    return again
