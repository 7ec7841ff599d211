"""Published versions, read-only (as everywhere)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from agents.admin.support import ConfigJsonMedia, ReadOnlyAdmin, pretty_json
from agents.domain.exceptions import AgentConsoleError
from agents.models import PublishedVersion
from agents.permissions import RELEASE
from agents.services import releases


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ConfigJsonMedia, ReadOnlyAdmin):
    list_display = ["agent", "label", "name", "created_by", "created_at", "is_released"]
    list_select_related = ["agent", "agent__released_version", "created_by"]
    list_filter = ["created_at", "agent"]
    search_fields = ["name", "description", "agent__name", "agent__public_id", "content_hash"]
    fields = [
        "agent",
        "number",
        "name",
        "description",
        "created_by",
        "created_at",
        "parent",
        "schema_version",
        "content_hash",
        "config_pretty",
    ]
    readonly_fields = fields
    actions = ["release"]

    @admin.display(description="version", ordering="number")
    def label(self, obj: PublishedVersion) -> str:
        return obj.label

    @admin.display(description="released", boolean=True)
    def is_released(self, obj: PublishedVersion) -> bool:
        return obj.agent.released_version_id == obj.pk

    @admin.display(description="configuration")
    def config_pretty(self, obj: PublishedVersion) -> str:
        return pretty_json(obj.config)

    def has_release_permission(self, request) -> bool:
        return request.user.has_perm(RELEASE)

    @admin.action(description="Release this version", permissions=["release"])
    def release(self, request, queryset):
        versions = list(queryset.select_related("agent")[:2])
        if len(versions) != 1:
            self.message_user(request, "Select exactly one version to release.", messages.ERROR)
            return
        version = versions[0]
        if request.POST.get("confirm") != "yes":  # releasing changes production: ask first
            kind = "Roll back to" if version.agent.released_version_id else "Release"
            if (
                version.agent.released_version
                and version.agent.released_version.number < version.number
            ):
                kind = "Release"
            return TemplateResponse(
                request,
                "admin/agents/publishedversion/release_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": f"{kind} {version.label} of {version.agent.name}?",
                    "version": version,
                    "agent": version.agent,
                },
            )
        try:
            event = releases.release_version(version=version, user=request.user)
        except AgentConsoleError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        if event is None:
            self.message_user(
                request,
                f"{version.label} of {version.agent.name} is already released.",
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                f"{event.get_kind_display()}: {version.agent.name} now serves {version.label}.",
                messages.SUCCESS,
            )
