"""Changes of what runtimes are served, read-only: the feed `GET /changes` pages, and
the server processes that push them to stream subscribers."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import Change, StreamNode


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "agent", "channel", "prompt", "ref", "version", "at"]
    list_select_related = ["agent", "channel", "prompt"]
    list_filter = ["kind", "at"]
    search_fields = ["agent__public_id", "channel__public_id", "prompt__public_id", "ref"]
    date_hierarchy = "at"


@admin.register(StreamNode)
class StreamNodeAdmin(ReadOnlyAdmin):
    """The server processes holding stream subscribers, as each last reported."""

    list_display = ["name", "seen_at", "listening", "pushed"]
    ordering = ["-seen_at"]
