"""What the admin modules share: view-only model admins."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html


class ReadOnlyMixin:
    """View-only: rows are never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


def pretty_json(value) -> str:
    return format_html(
        '<pre class="config-json">{}</pre>',
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False),
    )


class ConfigJsonMedia:
    """The stylesheet for configurations shown as JSON (no inline styles: the CSP
    allows only same-origin stylesheets)."""

    class Media:
        css = {"all": ("css/admin.css",)}


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Child rows shown under their parent: its `fields`, read-only, no blank rows."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields
