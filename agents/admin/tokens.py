"""API tokens: listed, revoked through the service."""

from __future__ import annotations

from django.contrib import admin, messages

from agents.admin.support import ReadOnlyAdmin
from agents.models import ApiToken
from agents.models.scoping import current
from agents.services import tokens


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created with `create_api_token` or on the console's API tokens page."""

    list_display = [
        "prefix",
        "name",
        "user",
        "workspace",
        "role",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["user", "workspace"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    fields = list_display
    readonly_fields = fields
    actions = ["revoke"]

    def get_queryset(self, request):
        """A token is not scoped like the rest (it is read by its secret): the admin
        lists the tokens of the workspaces the request sees (every one: superusers)."""
        rows = super().get_queryset(request)
        visible = current().visible
        return rows if visible is None else rows.filter(workspace_id__in=visible)

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset:
            tokens.revoke_api_token(token=token, user=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)
