"""The audit log and workspaces, read-only: entries are written by the services and
removed only by the retention sweep; members change through their workspace's page
(or `PUT /workspaces/{id}/members/{username}`), so each change is audited."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import AuditEntry, Membership, Workspace


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "via", "action", "object", "workspace", "detail", "ip"]
    list_select_related = ["workspace"]
    list_filter = ["via", "action", "workspace"]
    search_fields = ["object", "actor_name", "action", "request_id"]
    date_hierarchy = "at"


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    list_display = ["name", "public_id", "created_at"]
    search_fields = ["name", "public_id"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_select_related = ["user", "workspace"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username"]
