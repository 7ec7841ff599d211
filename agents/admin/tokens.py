"""API tokens: listed, revoked through the service."""

from __future__ import annotations

from django.contrib import admin, messages

from agents.admin.support import ReadOnlyAdmin
from agents.models import ApiToken
from agents.services import tokens


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created with `create_api_token` or on the console's API tokens page."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset:
            tokens.revoke_api_token(token=token, user=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)
