"""Channels, read-only with their routing history."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.history import HistoryAdmin
from agents.admin.support import ReadOnlyMixin
from agents.models import Channel


@admin.register(Channel)
class ChannelAdmin(ReadOnlyMixin, HistoryAdmin):
    """Channels are routed through the API (and the console); support staff read them and
    their history here."""

    list_display = ["name", "public_id", "kind", "address", "agent", "target", "variants"]
    list_select_related = ["agent"]
    list_filter = ["kind"]
    search_fields = ["name", "public_id", "address", "agent__name", "agent__public_id"]
    history_list_display = ["target", "variants"]
