"""`GET /audit`: who changed what, when, through what and from where (API.md,
"Workspaces, single sign-on and the audit log"); `?format=jsonl|csv` streams it all."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Schema
from pydantic import Field

from agents.api.changes import check_filters
from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.domain.permissions import VIEW_AUDIT
from agents.selectors import audit, workspaces

audit_router = Router(tags=["audit"])
MAX_PAGE = 500


class AuditQuery(Schema):
    workspace: str | None = Field(None, description="`ws_…`: one of the caller's")
    actor: str | None = Field(None, description="a username")
    object: str | None = Field(None, description="`ag_…`, `ag_…/v3`, `ws_…/ann`…")
    action: str | None = Field(None, description="`release`, or an area: `release_request`")
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = Field(None, ge=1, description="the entries older than this id")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    format: Literal["json", "jsonl", "csv"] = "json"


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str = Field(description="username, or empty for the system")
    via: Literal["console", "api", "admin", "job"]
    action: str
    object: str
    workspace: str | None
    detail: str
    request_id: str
    ip: str | None


class AuditList(Schema):
    data: list[AuditEntryOut]
    next: str | None


EXPORT = {
    "description": "With `?format=jsonl` or `csv`: every matching entry, oldest first",
    "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {}},
}


def filters_of(query: AuditQuery) -> audit.AuditFilters:
    """The selector's filters; a workspace the caller cannot see is 404."""
    workspace = workspaces.in_scope_named(query.workspace) if query.workspace else None
    return audit.AuditFilters(
        workspace=workspace.pk if workspace else None,
        actor=query.actor or "",
        object=query.object or "",
        action=query.action or "",
        since=query.since,
        until=query.until,
    )


def streamed(filters: audit.AuditFilters, fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        audit.export(filters, fmt),
        content_type="application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@audit_router.get(
    "", response={200: AuditList, **ERRORS_READ}, openapi_extra={"responses": {200: EXPORT}}
)
def list_audit(request, query: Query[AuditQuery]):
    """The audit log, newest first (workspace admins)

    Every write by anyone, through the console, the API, the admin or a job. Page with
    `next`; `?format=jsonl` or `?format=csv` streams every matching entry instead,
    oldest first, however many there are."""
    require(request, VIEW_AUDIT)
    check_filters(request, tuple(AuditQuery.model_fields))
    filters = filters_of(query)
    if query.format != "json":
        return streamed(filters, query.format)
    data, last = audit.page(filters, before=query.before, limit=query.limit)
    following = None
    if last is not None:
        params = request.GET.copy()
        params["before"] = str(last)
        following = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"data": data, "next": following}
