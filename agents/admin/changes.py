"""Changes of what runtimes are served, read-only: the feed `GET /changes` pages."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import Change


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "agent", "channel", "prompt", "ref", "version", "at"]
    list_select_related = ["agent", "channel", "prompt"]
    list_filter = ["kind", "at"]
    search_fields = ["agent__public_id", "channel__public_id", "prompt__public_id", "ref"]
    date_hierarchy = "at"
