"""The audit log page (workspace admins): filters, the newest entries a page at a time,
and the export of everything that matches as JSON Lines or CSV."""

from __future__ import annotations

from datetime import datetime, time

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from agents.api.audit import streamed
from agents.domain.permissions import VIEW_AUDIT
from agents.models.audit import VIA
from agents.permissions import require
from agents.selectors import audit
from agents.views import routes
from agents.views.htmx import HtmxHttpRequest

PAGE = 100


def _day(value: str, *, end: bool = False) -> datetime | None:
    found = parse_date(value or "") if value and len(value) == 10 else None
    if found is None:
        return None
    moment = datetime.combine(found, time.max if end else time.min)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _filters(request: HtmxHttpRequest) -> audit.AuditFilters:
    get = request.GET
    return audit.AuditFilters(
        actor=get.get("actor", "").strip(),
        object=get.get("object", "").strip(),
        action=get.get("action", "").strip(),
        since=_day(get.get("since", "")),
        until=_day(get.get("until", ""), end=True),
    )


@routes.pages.get("audit/", name="audit")
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    """Who changed what in this workspace, newest first (`?before=` for older)."""
    require(request.user, VIEW_AUDIT)
    before = request.GET.get("before", "")
    filters = _filters(request)
    rows, last = audit.page(filters, before=int(before) if before.isdigit() else None, limit=PAGE)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "agents/audit/audit_log.html",
        {
            "rows": rows,
            "older": last,
            "query": query.urlencode(),
            "filters": request.GET,
            "vias": VIA,
        },
    )


@routes.pages.get("audit/export/", name="audit-export")
def audit_export(request: HtmxHttpRequest) -> HttpResponse:
    """Everything the filters match, oldest first, streamed (`?format=jsonl|csv`)."""
    require(request.user, VIEW_AUDIT)
    fmt = request.GET.get("format", "jsonl")
    return streamed(_filters(request), "csv" if fmt == "csv" else "jsonl")
