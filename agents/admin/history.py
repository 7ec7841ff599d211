"""The admin's history pages: past states read, never saved back, and a
configuration's changes shown as the console's diff shows them."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from agents.domain.diff import diff


class HistoryAdmin(SimpleHistoryAdmin):
    """History for reading: a past state is shown, never saved back.

    django-simple-history's "Revert" saves the posted form with only a *view*
    permission checked, and writes the row directly: it would rewind a draft's
    content and revision behind the services' checks. Any write here is refused.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Past states are read-only; restore a version in the console.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True


# Kept on every row for the machinery, not changes anyone made: the history list
# already says who and when.
BOOKKEEPING = {"content_hash", "updated_at", "updated_by", "history_change_reason"}


class ConfigChangesContextHelper(HistoricalRecordContextHelper):
    """Show a configuration change as the console's diff does: one line per changed
    path, and for text the changed lines with the changed words marked (a long
    prompt edited near its end no longer shows as two identical prefixes)."""

    def context_for_delta_changes(self, delta):
        rows = []
        for change in delta.changes:
            if change.field in BOOKKEEPING:
                continue
            if change.field != "config":
                rows.extend(super().context_for_delta_changes(_only(delta, change)))
                continue
            for found in diff(change.old or {}, change.new or {}).changes:
                old, new = _sides(found)
                rows.append({"field": f"config.{found.path}", "old": old, "new": new})
        return rows


def _sides(change) -> tuple[str, str]:
    """The two sides of one change as safe HTML: a text's changed lines (words that
    changed in <del>/<ins>), otherwise the values, shortened."""
    if not change.lines:
        absent = mark_safe('<span class="muted">—</span>')
        old = absent if change.op == "added" else _short(change.old)
        new = absent if change.op == "removed" else _short(change.new)
        return old, new

    def marked(segment, tag: str) -> str:
        if segment.changed:
            return format_html("<{}>{}</{}>", tag, segment.text, tag)
        return conditional_escape(segment.text)

    def side(segments_of, tag: str) -> str:
        lines = [
            "".join(marked(segment, tag) for segment in segments_of(line))
            for line in change.lines
            if line.kind != "equal" and segments_of(line)
        ]
        # Every part was escaped above; <br> separates the lines.
        return format_html('<span class="history-lines">{}</span>', mark_safe("<br>".join(lines)))

    return side(lambda line: line.old, "del"), side(lambda line: line.new, "ins")


def _only(delta, change):
    return type(delta)(
        changes=[change],
        changed_fields=[change.field],
        old_record=delta.old_record,
        new_record=delta.new_record,
    )


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return Truncator(text).chars(100)
