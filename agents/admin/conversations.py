"""Conversations and their turns, read-only."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin, ReadOnlyInline
from agents.models import Conversation, Turn


class TurnInline(ReadOnlyInline):
    model = Turn
    fields = ["position", "role", "content", "latency_ms", "prompt_tokens", "completion_tokens"]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "agent", "bound", "variant", "started_at", "outcome", "offline"]
    list_select_related = ["agent", "version"]
    list_filter = ["outcome", "playground", "offline", "started_at"]
    inlines = [TurnInline]
    search_fields = ["public_id", "agent__name", "agent__public_id", "key"]
    date_hierarchy = "started_at"
    exclude = ["snapshot"]

    @admin.display(description="bound to")
    def bound(self, obj: Conversation) -> str:
        return obj.version.label if obj.version_id else f"draft {obj.content_hash[:12]}"
