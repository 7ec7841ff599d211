"""Reading the audit log: filtered, newest first, a page at a time or streamed whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from agents.domain import exports
from agents.models import AuditEntry
from agents.selectors.base import where

COLUMNS = (
    "id",
    "at",
    "actor",
    "via",
    "action",
    "object",
    "workspace",
    "detail",
    "request_id",
    "ip",
)
_FIELDS = (
    "id",
    "at",
    "actor_name",
    "via",
    "action",
    "object",
    "workspace__public_id",
    "detail",
    "request_id",
    "ip",
)
EXPORT_CHUNK = 5_000  # rows per fetch of the server-side cursor


@dataclass(frozen=True)
class AuditFilters:
    workspace: int | None = None  # a workspace's pk
    actor: str = ""
    object: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None


def entries(filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The entries the request may see (its workspaces: the scoped manager) matching
    `filters`, newest first. `action` matches a whole action or an area (`release_request`
    matches `release_request.approve`)."""
    rows = where(
        AuditEntry.objects.all(),
        workspace_id=filters.workspace,
        actor_name=filters.actor,
        object=filters.object,
        at__gte=filters.since,
        at__lt=filters.until,
    )
    if filters.action:
        if "." in filters.action:
            rows = rows.filter(action=filters.action)
        else:
            rows = rows.filter(action__startswith=f"{filters.action}.") | rows.filter(
                action=filters.action
            )
    return rows.order_by("-id")


def page(filters: AuditFilters, *, before: int | None, limit: int) -> tuple[list[dict], int | None]:
    """Up to `limit` entries older than entry `before` (None: the newest), as the API
    shows them, and the id to ask before next (None: no more). One query."""
    rows = entries(filters)
    if before is not None:
        rows = rows.filter(id__lt=before)
    found = list(rows.values_list(*_FIELDS)[: limit + 1])
    shown = [dict(zip(COLUMNS, row, strict=True)) for row in found[:limit]]
    return shown, (shown[-1]["id"] if len(found) > limit else None)


def export(filters: AuditFilters, fmt: str) -> Iterator[bytes]:
    """Every matching entry, oldest first, as JSON Lines (`jsonl`) or CSV, read through a
    server-side cursor a chunk at a time: any number of rows in constant memory."""
    rows = entries(filters).order_by("id").values_list(*_FIELDS).iterator(EXPORT_CHUNK)
    lines = exports.jsonl(COLUMNS, rows) if fmt == "jsonl" else exports.csv_lines(COLUMNS, rows)
    return exports.chunked(lines)
