"""Webhooks: subscribe an endpoint to events, read its delivery log, redeliver, test."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Schema, Status

from agents.api.common import Router, page, require
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, Paging
from agents.models import EVENTS, Delivery, Webhook
from agents.permissions import MANAGE_WEBHOOKS
from agents.selectors import webhooks as webhooks_selectors
from agents.services import webhooks as webhooks_services

webhooks = Router(tags=["webhooks"])

Event = Literal[EVENTS]  # the catalogue in agents/models/webhooks.py
assert set(Event.__args__) == set(EVENTS)


class WebhookIn(Schema):
    url: str = Field(..., max_length=2_000, description="http(s); not a private address.")
    events: list[Event] = Field(..., min_length=1, max_length=len(EVENTS))
    description: str = Field("", max_length=200)


class WebhookPatch(Schema):
    url: str | None = Field(None, max_length=2_000)
    events: list[Event] | None = Field(None, min_length=1, max_length=len(EVENTS))
    description: str | None = Field(None, max_length=200)
    active: bool | None = None
    rotate_secret: bool = Field(False, description="A new secret, answered this once.")


class LastDelivery(Schema):
    status: str
    response_code: int | None
    at: datetime


class WebhookOut(Schema):
    id: str
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    created_by: str | None
    last_delivery: LastDelivery | None = None


class WebhookSecretOut(WebhookOut):
    secret: str = Field(..., description="Shown this once: keep it to verify signatures.")


class WebhookPatchOut(WebhookOut):
    secret: str | None = Field(None, description="The new secret, when rotated (this once).")


class WebhookList(Schema):
    data: list[WebhookOut]
    next: str | None


class TryOut(Schema):
    number: int
    at: datetime
    response_code: int | None
    duration_ms: int
    error: str


class DeliveryOut(Schema):
    id: str = Field(..., description="`dl_…`, sent as X-Console-Delivery.")
    event: str
    event_id: str = Field(..., description="The body's `id`: the same on a redelivery.")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    response_code: int | None
    duration_ms: int | None
    error: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    redelivery_of: str | None
    tries: list[TryOut]
    payload: dict


class DeliveryList(Schema):
    data: list[DeliveryOut]
    next: str | None


class DeliveryFilter(Paging):
    status: Literal["pending", "delivered", "failed"] | None = None
    event: str | None = Field(None, max_length=20)


def webhook_out(hook: Webhook, *, secret: bool = False) -> dict:
    last = None
    if getattr(hook, "last_status", None):
        last = {"status": hook.last_status, "response_code": hook.last_code, "at": hook.last_at}
    data = {
        "id": hook.public_id,
        "url": hook.url,
        "events": hook.events,
        "description": hook.description,
        "active": hook.active,
        "created_at": hook.created_at,
        "created_by": hook.created_by.get_username() if hook.created_by else None,
        "last_delivery": last,
    }
    if secret:
        data["secret"] = hook.secret
    return data


def delivery_out(delivery: Delivery) -> dict:
    return {
        "id": delivery.public_id,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "duration_ms": delivery.duration_ms,
        "error": delivery.error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "redelivery_of": delivery.redelivery_of.public_id if delivery.redelivery_of else None,
        "tries": [
            {
                "number": t.number,
                "at": t.at,
                "response_code": t.response_code,
                "duration_ms": t.duration_ms,
                "error": t.error,
            }
            for t in delivery.tries.all()
        ],
        "payload": delivery.payload,
    }


@webhooks.get("", response={200: WebhookList, **ERRORS_READ})
def list_webhooks(request, paging: Query[Paging]):
    """List webhooks"""
    require(request, MANAGE_WEBHOOKS)
    return page(request, webhooks_selectors.webhook_list(), paging, webhook_out)


@webhooks.post("", response={201: WebhookSecretOut, **ERRORS_WRITE})
def create_webhook(request, payload: WebhookIn):
    """Subscribe a URL to events (the secret is answered this once)

    Deliveries are POSTed as `{"id", "event", "created_at", "data"}` with
    `X-Console-Event`, `X-Console-Delivery` and `X-Console-Signature: t=<unix>,v1=<hex
    HMAC-SHA256(secret, "<t>." + body)>`; retried with backoff until a 2xx."""
    principal = require(request, MANAGE_WEBHOOKS)
    hook = webhooks_services.create_webhook(user=principal.user, **payload.model_dump())
    return Status(201, webhook_out(hook, secret=True))


@webhooks.get("/{webhook_id}", response={200: WebhookOut, **ERRORS_READ})
def get_webhook(request, webhook_id: str):
    """Get a webhook"""
    require(request, MANAGE_WEBHOOKS)
    return webhook_out(webhooks_selectors.webhook(webhook_id))


@webhooks.patch("/{webhook_id}", response={200: WebhookPatchOut, **ERRORS_WRITE})
def patch_webhook(request, webhook_id: str, payload: WebhookPatch):
    """Change a webhook's URL, events or state, or rotate its secret"""
    principal = require(request, MANAGE_WEBHOOKS)
    hook = webhooks_services.update_webhook(
        webhook=webhooks_selectors.webhook(webhook_id), user=principal.user, **payload.model_dump()
    )
    return webhook_out(hook, secret=payload.rotate_secret)


@webhooks.delete("/{webhook_id}", response={204: None, **ERRORS_READ})
def delete_webhook(request, webhook_id: str):
    """Delete a webhook"""
    principal = require(request, MANAGE_WEBHOOKS)
    webhooks_services.delete_webhook(
        webhook=webhooks_selectors.webhook(webhook_id), user=principal.user
    )
    return HttpResponse(status=204)


@webhooks.get("/{webhook_id}/deliveries", response={200: DeliveryList, **ERRORS_READ})
def list_deliveries(request, webhook_id: str, filters: Query[DeliveryFilter]):
    """A webhook's deliveries, newest first, each with its tries"""
    require(request, MANAGE_WEBHOOKS)
    rows = webhooks_selectors.deliveries(
        webhooks_selectors.webhook(webhook_id),
        status=filters.status or "",
        event=filters.event or "",
    )
    return page(request, rows, filters, delivery_out)


@webhooks.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver", response={201: DeliveryOut, **ERRORS_WRITE}
)
def redeliver(request, webhook_id: str, delivery_id: str):
    """Send a delivery again (same body, new delivery id)"""
    principal = require(request, MANAGE_WEBHOOKS)
    hook = webhooks_selectors.webhook(webhook_id)
    again = webhooks_services.redeliver(
        delivery=webhooks_selectors.delivery(hook, delivery_id), user=principal.user
    )
    return Status(201, delivery_out(again))


@webhooks.post("/{webhook_id}/test", response={201: DeliveryOut, **ERRORS_WRITE})
def send_test_event(request, webhook_id: str):
    """Send a test event (`ping`) to the webhook"""
    principal = require(request, MANAGE_WEBHOOKS)
    delivery = webhooks_services.send_test_event(
        webhook=webhooks_selectors.webhook(webhook_id), user=principal.user
    )
    return Status(201, delivery_out(delivery))
