"""Support staff's view of webhooks and their deliveries: read-only (the secret is
never shown), with "Redeliver" and "Send test event" going through the services
like the console's buttons."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from agents.admin.support import ReadOnlyAdmin, ReadOnlyInline
from agents.domain.exceptions import AgentConsoleError
from agents.models import Delivery, DeliveryAttempt, Webhook
from agents.permissions import MANAGE_WEBHOOKS
from agents.services import webhooks


class ManageWebhooks:
    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm(MANAGE_WEBHOOKS)

    def _each(self, request, rows, verb: str, service, argument: str) -> None:
        """`service(<argument>=row, user=…)` for each row, then how many it did."""
        done = 0
        for row in rows:
            try:
                service(**{argument: row, "user": request.user})
            except (AgentConsoleError, PermissionDenied) as exc:
                self.message_user(request, f"{row.public_id}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{verb} {done}.", messages.SUCCESS)


@admin.register(Webhook)
class WebhookAdmin(ManageWebhooks, ReadOnlyAdmin):
    list_display = ["public_id", "url", "events", "active", "created_by", "created_at"]
    list_filter = ["active"]
    search_fields = ["public_id", "url", "description"]
    exclude = ["secret"]
    actions = ["send_test"]

    @admin.action(description="Send a test event", permissions=["manage"])
    def send_test(self, request, queryset):
        self._each(request, queryset, "Test events queued:", webhooks.send_test_event, "webhook")


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["number", "at", "response_code", "duration_ms", "error"]


@admin.register(Delivery)
class DeliveryAdmin(ManageWebhooks, ReadOnlyAdmin):
    list_display = [
        "public_id",
        "webhook",
        "event",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "created_at",
    ]
    list_select_related = ["webhook"]
    list_filter = ["status", "event", "created_at"]
    search_fields = ["public_id", "event_id", "webhook__public_id", "webhook__url", "subject"]
    inlines = [DeliveryAttemptInline]
    actions = ["redeliver"]

    @admin.action(description="Redeliver", permissions=["manage"])
    def redeliver(self, request, queryset):
        self._each(request, queryset, "Redeliveries queued:", webhooks.redeliver, "delivery")
