"""Webhook subscriptions and their deliveries: each event to each subscriber is one
Delivery, written in the transaction of the change it reports (so a change that
rolls back is never announced), and every try at sending it is a DeliveryAttempt."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agents.models.base import new_delivery_id, new_webhook_id, one_of, public_id_format
from agents.models.scoping import ScopedManager

EVENTS = (
    "version.saved",
    "release",
    "rollback",
    "label.moved",
    "draft.updated",
    "rollout",
    "alert",
    "change_request.opened",
    "change_request.reviewed",
    "change_request.merged",
)
TEST_EVENT = "ping"  # "Send test event": to one webhook, whatever it subscribes to


class Webhook(models.Model):
    """An endpoint told about the events it subscribes to, signed with its secret."""

    WORKSPACE = "workspace"

    public_id = models.CharField(max_length=16, unique=True, default=new_webhook_id, editable=False)
    workspace = models.ForeignKey(
        "Workspace", on_delete=models.PROTECT, related_name="webhooks", editable=False
    )
    url = models.CharField(max_length=2_000)
    events = models.JSONField(default=list)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=80)  # shown once; kept to sign deliveries
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("manage_webhooks", "Can manage webhooks")]
        constraints = [public_id_format("wh", "webhook_public_id_format")]

    def __str__(self) -> str:
        return f"{self.url} ({self.public_id})"


class Delivery(models.Model):
    """One event for one webhook. Deliveries of one agent to one webhook go out in
    the order they happened: a delivery waits while an earlier one of its chain
    (same webhook, same `subject`) is still pending."""

    WORKSPACE = "webhook__workspace"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    public_id = models.CharField(
        max_length=16, unique=True, default=new_delivery_id, editable=False
    )
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=16)  # the body's "id": the same on a redelivery
    subject = models.CharField(max_length=16, blank=True)  # the agent's public id: the chain
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["webhook", "subject", "status", "id"], name="delivery_chain"),
            models.Index(fields=["webhook", "-id"], name="delivery_log"),
        ]
        constraints = [
            public_id_format("dl", "delivery_public_id_format"),
            one_of("status", ["pending", "delivered", "failed"], "delivery_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id} ({self.public_id})"

    @property
    def next_try_due(self) -> bool:
        """The next try's time has come (the worker picks it up at its next sweep)."""
        return self.next_attempt_at <= timezone.now() + timedelta(seconds=59)


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, the answer's status code, how long it took,
    or why it could not be sent."""

    WORKSPACE = "delivery__webhook__workspace"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_unique")
        ]

    def __str__(self) -> str:
        return f"try {self.number} of delivery {self.delivery_id}"
