"""Support staff's view of rollouts (with their timelines) and alerts: read-only, but
for acknowledging alerts, which goes through the service like the console's button."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from agents.admin.support import ReadOnlyAdmin, ReadOnlyInline
from agents.domain.exceptions import AgentConsoleError
from agents.models import Alert, Rollout, RolloutEvent
from agents.permissions import RELEASE
from agents.services import alerts


class RolloutEventInline(ReadOnlyInline):
    model = RolloutEvent
    fields = ["at", "kind", "weight", "by", "detail"]


@admin.register(Rollout)
class RolloutAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "channel", "agent", "candidate", "status", "step", "created_at"]
    list_select_related = ["channel", "agent", "candidate"]
    list_filter = ["status", "created_at"]
    search_fields = ["public_id", "channel__name", "channel__public_id", "agent__name"]
    inlines = [RolloutEventInline]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "agent", "kind", "version", "metric", "created_at", "acked_at"]
    list_select_related = ["agent", "version"]
    list_filter = ["kind", ("acked_at", admin.EmptyFieldListFilter), "agent"]
    search_fields = ["public_id", "agent__name", "agent__public_id", "detail"]
    actions = ["acknowledge"]

    def has_release_permission(self, request) -> bool:
        return request.user.has_perm(RELEASE)

    @admin.action(description="Acknowledge selected alerts", permissions=["release"])
    def acknowledge(self, request, queryset):
        done = 0
        for alert in queryset.filter(acked_at__isnull=True):
            try:
                alerts.ack_alert(alert=alert, user=request.user)
            except (AgentConsoleError, PermissionDenied) as exc:
                self.message_user(request, f"{alert.public_id}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"Acknowledged {done} alert(s).", messages.SUCCESS)
