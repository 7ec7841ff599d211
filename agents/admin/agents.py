"""Agents and their drafts in the admin: add, rename and archive through the
services; drafts read-only with their history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import format_html

from agents.admin.history import ConfigChangesContextHelper, HistoryAdmin
from agents.admin.support import ConfigJsonMedia, ReadOnlyMixin, pretty_json
from agents.models import STATUS_LABELS, Agent, Draft
from agents.selectors import agents as agents_selectors
from agents.services import agents

# What an agent's change page shows and never edits (name and description are
# edited; the release gate is a Releaser's decision, made in the console or the API).
SHOWN_READ_ONLY = [
    "status_badge",
    "released_label",
    "require_passing_eval",
    "archived_at",
    "created_by",
    "created_at",
]


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return (
            agents_selectors.filter_by_status(queryset, self.value()) if self.value() else queryset
        )


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
        return ["public_id", "console_link", "name", "description", *SHOWN_READ_ONLY]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["public_id", "console_link", *SHOWN_READ_ONLY]

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
            agents.update_agent(
                agent=obj,
                user=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
            return
        created = agents.create_agent(
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
            agents.archive_agent(agent=agent, user=request.user)
        self.message_user(request, f"Archived {queryset.count()} agent(s).", messages.SUCCESS)

    @admin.action(description="Unarchive selected agents", permissions=["change"])
    def unarchive(self, request, queryset):
        for agent in queryset:
            agents.archive_agent(agent=agent, user=request.user, archived=False)
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
        return pretty_json(obj.config)

    def get_historical_record_context_helper(self, request, historical_record):
        return ConfigChangesContextHelper(self.model, historical_record)
