"""Support staff's view of release management: labels, release requests and
scheduled releases, read-only (they change through the console, the API or the
services, where the approval rule is enforced)."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import Label, ReleaseEvent, ReleaseRequest, ScheduledRelease


@admin.register(Label)
class LabelAdmin(ReadOnlyAdmin):
    list_display = ["agent", "name", "version", "protected", "moved_by", "moved_at"]
    list_select_related = ["agent", "version", "moved_by"]
    list_filter = ["protected", "agent"]
    search_fields = ["name", "agent__name", "agent__public_id"]


@admin.register(ReleaseRequest)
class ReleaseRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "agent",
        "label",
        "version",
        "status",
        "requested_by",
        "created_at",
    ]
    list_select_related = ["agent", "version", "requested_by"]
    list_filter = ["status", "created_at", "agent"]
    search_fields = ["public_id", "agent__name", "agent__public_id", "note"]


@admin.register(ScheduledRelease)
class ScheduledReleaseAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "agent", "label", "version", "at", "status", "executed_at"]
    list_select_related = ["agent", "version"]
    list_filter = ["status", "at", "agent"]
    search_fields = ["public_id", "agent__name", "agent__public_id", "failure"]


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(ReadOnlyAdmin):
    list_display = [
        "agent",
        "kind",
        "previous_version",
        "version",
        "released_by",
        "released_at",
        "note",
        "gate_override_note",
    ]
    list_select_related = ["agent", "version", "previous_version", "released_by"]
    list_filter = ["kind", "released_at"]
    search_fields = ["agent__name", "agent__public_id", "note"]
    date_hierarchy = "released_at"
