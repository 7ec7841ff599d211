"""What every router shares: the role check, pagination and If-Match."""

from __future__ import annotations

import inspect
import re
from typing import Any
from urllib.parse import urlencode

import ninja
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import HttpError

from agents.api.schemas import Paging
from agents.selectors import tokens


class Router(ninja.Router):
    """A router whose endpoints say what they do in their docstring: its first line is the
    operation's summary, the paragraphs after it (if any) its description."""

    def add_api_operation(self, path: str, methods: list[str], view_func, **options) -> None:
        summary, _, description = inspect.cleandoc(view_func.__doc__ or "").partition("\n\n")
        if options.get("summary") is None and summary:
            options["summary"] = summary
            options["description"] = options.get("description") or description
        super().add_api_operation(path, methods, view_func, **options)
        if options.get("description") == "":  # ninja falls back to the whole docstring
            self.path_operations[path].operations[-1].description = ""


def require(request: HttpRequest, perm: str, *alternatives: str) -> tokens.Principal:
    """The request's principal when it holds `perm` (or one of `alternatives`)."""
    principal: tokens.Principal = request.auth
    if not any(principal.has_perm(p) for p in (perm, *alternatives)):
        wanted = " or ".join((perm, *alternatives))
        raise PermissionDenied(f"Your role lacks the permission {wanted}.")
    return principal


def page(request: HttpRequest, rows, paging: Paging, shape) -> dict[str, Any]:
    """One page of `rows` as `{"data": [...], "next": url|null}` (one query: limit + 1 rows)."""
    offset, limit = paging.offset, paging.limit
    found = list(rows[offset : offset + limit + 1])
    return {
        "data": [shape(row) for row in found[:limit]],
        "next": next_url(request, offset, limit, len(found) > limit),
    }


def next_url(request: HttpRequest, offset: int, limit: int, more: bool) -> str | None:
    if not more:
        return None
    params = request.GET.copy()
    params["offset"] = str(offset + limit)
    params["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{urlencode(params, doseq=True)}")


REVISION = re.compile(r"[0-9]{1,9}")


def if_match(request: HttpRequest) -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not REVISION.fullmatch(value):
        raise HttpError(400, 'If-Match must be a draft revision in quotes, e.g. "3".')
    return int(value)


def expected_revision(request: HttpRequest, in_body: int | None) -> int | None:
    """The draft revision the caller saw: `expected_draft_revision` in the body or an
    `If-Match` header (both may be given only if they agree)."""
    header = if_match(request)
    if header is not None and in_body is not None and header != in_body:
        raise HttpError(400, "If-Match and expected_draft_revision name different revisions.")
    return in_body if in_body is not None else header
