"""Draft revisions, read-only."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ConfigJsonMedia, ReadOnlyAdmin, pretty_json
from agents.models import DraftRevision


@admin.register(DraftRevision)
class DraftRevisionAdmin(ConfigJsonMedia, ReadOnlyAdmin):
    """Every draft save, read-only (restoring one is the console's or the API's)."""

    list_display = ["agent", "label", "reason", "created_by", "created_at"]
    list_select_related = ["agent", "created_by"]
    list_filter = ["created_at", "agent"]
    search_fields = ["agent__name", "agent__public_id", "reason", "content_hash"]
    fields = [
        "agent",
        "number",
        "reason",
        "changed",
        "created_by",
        "created_at",
        "restored_from_version",
        "restored_from_revision",
        "content_hash",
        "config_pretty",
    ]
    readonly_fields = fields

    @admin.display(description="revision", ordering="number")
    def label(self, obj: DraftRevision) -> str:
        return obj.label

    @admin.display(description="configuration")
    def config_pretty(self, obj: DraftRevision) -> str:
        return pretty_json(obj.snapshot.config)
