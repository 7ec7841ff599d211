"""Webhooks and their delivery logs, each read in a fixed number of queries."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from agents.models import Delivery, Webhook
from agents.selectors.base import one, where


def webhook(public_id: str) -> Webhook:
    """One webhook, with its latest delivery (as in the list)."""
    return one(webhook_list().filter(public_id=public_id), f"No webhook {public_id}.")


def webhook_list() -> QuerySet[Webhook]:
    """Every webhook with its latest delivery's status, code and time (one query)."""
    latest = Delivery.objects.filter(webhook=OuterRef("pk")).order_by("-id")
    return (
        Webhook.objects.select_related("created_by")
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_code=Subquery(latest.values("response_code")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("created_at", "id")
    )


def deliveries(hook: Webhook, *, status: str = "", event: str = "") -> QuerySet[Delivery]:
    """A webhook's deliveries, newest first, each with its tries."""
    rows = Delivery.objects.filter(webhook_id=hook.pk).select_related("redelivery_of")
    rows = where(rows, status=status, event=event)
    return rows.prefetch_related("tries").order_by("-id")


def delivery(hook: Webhook, public_id: str) -> Delivery:
    return one(
        Delivery.objects.filter(webhook_id=hook.pk, public_id=public_id),
        f"No delivery {public_id} of {hook.public_id}.",
    )
