"""What the admin modules share: view-only model admins."""

from __future__ import annotations

from django.contrib import admin


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
