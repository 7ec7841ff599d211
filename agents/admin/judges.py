"""Judges and what they decided, read-only (judges are made in the console or the
API; a failed judgement shows the provider's error)."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import Judge, Judgement


@admin.register(Judge)
class JudgeAdmin(ReadOnlyAdmin):
    list_display = ["name", "public_id", "agent", "kind", "sample_rate", "deleted_at"]
    list_select_related = ["agent"]
    list_filter = ["deleted_at"]
    search_fields = ["name", "public_id", "agent__name", "agent__public_id"]


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyAdmin):
    list_display = ["judge", "conversation", "status", "score", "attempts", "finished_at"]
    list_select_related = ["judge", "conversation"]
    list_filter = ["status"]
    search_fields = ["judge__name", "conversation__public_id", "error"]
