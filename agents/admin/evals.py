"""Eval suites and runs, read-only."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.history import HistoryAdmin
from agents.admin.support import ReadOnlyAdmin, ReadOnlyInline, ReadOnlyMixin
from agents.models import EvalCase, EvalResult, EvalRun, EvalSuite


class EvalCaseInline(ReadOnlyInline):
    model = EvalCase
    fields = ["public_id", "name", "messages", "checks", "updated_at"]


@admin.register(EvalSuite)
class EvalSuiteAdmin(ReadOnlyMixin, HistoryAdmin):
    """Suites are written in the console or the API; support staff read them here."""

    list_display = ["name", "public_id", "agent", "revision", "updated_at"]
    list_select_related = ["agent"]
    search_fields = ["name", "public_id", "agent__name", "agent__public_id"]
    inlines = [EvalCaseInline]


class EvalResultInline(ReadOnlyInline):
    model = EvalResult
    fields = ["position", "case_name", "passed", "reply", "latency_ms", "checks", "error"]


@admin.register(EvalRun)
class EvalRunAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "suite",
        "agent",
        "target_label",
        "status",
        "passed_count",
        "case_count",
        "created_at",
    ]
    list_select_related = ["suite", "agent"]
    list_filter = ["status", "created_at"]
    search_fields = ["public_id", "suite__name", "agent__name", "agent__public_id"]
    exclude = ["snapshot", "cases"]
    inlines = [EvalResultInline]
