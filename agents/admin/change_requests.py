"""Branches, change requests, their comments and reviews: read-only, an audit of who
said what and when (they are made in the console or the API, and kept)."""

from __future__ import annotations

from django.contrib import admin

from agents.admin.support import ReadOnlyAdmin
from agents.models import Branch, ChangeRequest, Comment, Review


@admin.register(Branch)
class BranchAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "agent",
        "base_ref",
        "revision",
        "updated_by",
        "merged_at",
        "deleted_at",
    ]
    list_select_related = ["agent", "updated_by"]
    list_filter = ["merged_at", "deleted_at"]
    search_fields = ["name", "agent__name", "agent__public_id"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "title", "agent", "branch", "status", "author", "created_at"]
    list_select_related = ["agent", "branch", "author"]
    list_filter = ["status"]
    search_fields = ["public_id", "title", "agent__name", "branch__name"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "change_request", "path", "line", "author", "created_at"]
    list_select_related = ["change_request", "author"]
    list_filter = ["has_suggestion"]
    search_fields = ["public_id", "body", "change_request__public_id", "author__username"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["change_request", "reviewer", "verdict", "head_revision", "created_at"]
    list_select_related = ["change_request", "reviewer"]
    list_filter = ["verdict"]
    search_fields = ["change_request__public_id", "reviewer__username", "body"]
