"""The Django admin for support staff.

Writes go through agents/services/ like everywhere else; versions and release
events are read-only here (and everywhere).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import Count, Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from agents import services
from agents.admin_support import ReadOnlyAdmin, ReadOnlyMixin
from agents.domain.exceptions import AgentConsoleError
from agents.history_admin import ConfigChangesContextHelper, HistoryAdmin
from agents.models import (
    STATUS_LABELS,
    Agent,
    ApiToken,
    Channel,
    Conversation,
    Draft,
    DraftRevision,
    EvalCase,
    EvalResult,
    EvalRun,
    EvalSuite,
    PublishedVersion,
    ReleaseEvent,
    Turn,
)
from agents.permissions import RELEASE
from agents.selectors import filter_by_status


def _pretty_json(value) -> str:
    return format_html(
        '<pre class="config-json">{}</pre>',
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False),
    )


class ConfigJsonMedia:
    """The stylesheet for configurations shown as JSON (no inline styles: the CSP
    allows only same-origin stylesheets)."""

    class Media:
        css = {"all": ("css/admin.css",)}


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return filter_by_status(queryset, self.value()) if self.value() else queryset


@admin.register(Agent)
class AgentAdmin(HistoryAdmin):
    list_display = [
        "name",
        "console_link",
        "public_id",
        "kind",
        "status_badge",
        "released_label",
        "latest_version",
        "created_at",
        "archived_at",
    ]
    list_filter = ["kind", StatusFilter, ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "public_id", "description"]
    fields = ["name", "description"]
    readonly_fields = []
    actions = ["archive", "unarchive"]
    history_list_display = ["released_version"]

    @admin.display(description="console")
    def console_link(self, obj: Agent) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("agents:detail", args=[obj.public_id])
        return format_html('<a href="{}">Open in the console</a>', url)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("draft", "released_version")
            .annotate(latest_number=Max("versions__number"), version_count=Count("versions"))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "description"]
        return [
            "public_id",
            "console_link",
            "name",
            "description",
            "status_badge",
            "released_label",
            "require_passing_eval",
            "archived_at",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The release gate is a Releaser's decision, made in the console or the API.
        return [
            "public_id",
            "console_link",
            "status_badge",
            "released_label",
            "require_passing_eval",
            "archived_at",
            "created_by",
            "created_at",
        ]

    @admin.display(description="status")
    def status_badge(self, obj: Agent) -> str:
        return obj.status_label

    @admin.display(description="released", ordering="released_version__number")
    def released_label(self, obj: Agent) -> str:
        return obj.released_version.label if obj.released_version else "—"

    @admin.display(description="latest", ordering="latest_number")
    def latest_version(self, obj: Agent) -> str:
        number = getattr(obj, "latest_number", None)
        return f"v{number}" if number else "—"

    def save_model(self, request, obj, form, change):
        if change:
            services.update_agent(
                agent=obj,
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
            return
        created = services.create_agent(
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            user=request.user,
        )
        # The admin goes on to log and redirect with `obj`: make it the created row.
        obj.pk, obj.public_id, obj.created_at = created.pk, created.public_id, created.created_at
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Agents are archived, never deleted: their revisions and versions are history.
        return False

    @admin.action(description="Archive selected agents", permissions=["change"])
    def archive(self, request, queryset):
        for agent in queryset:
            services.archive_agent(agent=agent, user=request.user)
        self.message_user(request, f"Archived {queryset.count()} agent(s).", messages.SUCCESS)

    @admin.action(description="Unarchive selected agents", permissions=["change"])
    def unarchive(self, request, queryset):
        for agent in queryset:
            services.archive_agent(agent=agent, user=request.user, archived=False)
        self.message_user(request, f"Unarchived {queryset.count()} agent(s).", messages.SUCCESS)


@admin.register(Draft)
class DraftAdmin(ConfigJsonMedia, ReadOnlyMixin, HistoryAdmin):
    """Drafts are edited in the console or the API; support staff read them and their trail."""

    list_display = ["agent", "revision", "updated_by", "updated_at", "restored_from"]
    list_select_related = ["agent", "updated_by", "restored_from"]
    search_fields = ["agent__name", "agent__public_id"]
    fields = [
        "agent",
        "revision",
        "content_hash",
        "updated_by",
        "updated_at",
        "restored_from",
        "config_pretty",
    ]
    readonly_fields = fields
    history_list_display = ["revision"]

    @admin.display(description="configuration")
    def config_pretty(self, obj: Draft) -> str:
        return _pretty_json(obj.config)

    def get_historical_record_context_helper(self, request, historical_record):
        return ConfigChangesContextHelper(self.model, historical_record)


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
        return _pretty_json(obj.config)

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
            event = services.release_version(version=version, user=request.user)
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


@admin.register(DraftRevision)
class DraftRevisionAdmin(ConfigJsonMedia, ReadOnlyAdmin):
    """Every draft save, read-only (restoring one is the console's or the API's)."""

    list_display = ["agent", "label", "reason", "created_by", "created_at"]
    list_select_related = ["agent", "created_by"]
    list_filter = ["created_at", "agent"]
    search_fields = ["agent__name", "agent__public_id", "reason", "content_hash"]
    fields = [
        "agent",
        "number",
        "reason",
        "changed",
        "created_by",
        "created_at",
        "restored_from_version",
        "restored_from_revision",
        "content_hash",
        "config_pretty",
    ]
    readonly_fields = fields

    @admin.display(description="revision", ordering="number")
    def label(self, obj: DraftRevision) -> str:
        return obj.label

    @admin.display(description="configuration")
    def config_pretty(self, obj: DraftRevision) -> str:
        return _pretty_json(obj.snapshot.config)


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(ReadOnlyAdmin):
    list_display = [
        "agent",
        "kind",
        "previous_version",
        "version",
        "released_by",
        "released_at",
        "note",
        "gate_override_note",
    ]
    list_select_related = ["agent", "version", "previous_version", "released_by"]
    list_filter = ["kind", "released_at"]
    search_fields = ["agent__name", "agent__public_id", "note"]
    date_hierarchy = "released_at"


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
            services.revoke_api_token(token=token, user=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TurnInline(ReadOnlyInline):
    model = Turn
    fields = ["position", "role", "content", "latency_ms", "prompt_tokens", "completion_tokens"]
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "agent", "bound", "variant", "started_at", "outcome", "duration_s"]
    list_select_related = ["agent", "version"]
    list_filter = ["outcome", "playground", "started_at"]
    inlines = [TurnInline]
    search_fields = ["public_id", "agent__name", "agent__public_id", "key"]
    date_hierarchy = "started_at"
    exclude = ["snapshot"]

    @admin.display(description="bound to")
    def bound(self, obj: Conversation) -> str:
        return obj.version.label if obj.version_id else f"draft {obj.content_hash[:12]}"


@admin.register(Channel)
class ChannelAdmin(ReadOnlyMixin, HistoryAdmin):
    """Channels are routed through the API (and the console); support staff read them and
    their history here."""

    list_display = ["name", "public_id", "kind", "address", "agent", "target", "variants"]
    list_select_related = ["agent"]
    list_filter = ["kind"]
    search_fields = ["name", "public_id", "address", "agent__name", "agent__public_id"]
    history_list_display = ["target", "variants"]


class EvalCaseInline(ReadOnlyInline):
    model = EvalCase
    fields = ["public_id", "name", "messages", "checks", "updated_at"]
    readonly_fields = fields


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
    readonly_fields = fields


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


from agents import release_admin, rollout_admin, webhook_admin  # noqa: E402, F401  (release management, rollouts, webhooks)
