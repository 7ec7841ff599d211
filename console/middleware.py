"""Request-size guard and error envelopes for the JSON API."""

from __future__ import annotations

import json

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from agents.domain.exceptions import UnknownReference

API_PREFIX = "/api/"
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def error_response(status: int, code: str, message: str, details=None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "details": details}}, status=status
    )


class ApiBodyLimitMiddleware:
    """Refuse oversized API bodies before they are read (413), and give every API
    error that did not come from an endpoint (unknown path, wrong method) the
    same JSON envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return error_response(
                413, "payload_too_large", f"The request body exceeds {limit} bytes."
            )
        response = self.get_response(request)
        if response.status_code in STATUS_CODES and not _is_json(response):
            allowed = response.get("Allow")
            message = {
                404: f"No API endpoint at {request.path}.",
                405: f"{request.method} is not allowed here"
                + (f"; allowed: {allowed}." if allowed else "."),
            }.get(response.status_code, response.reason_phrase)
            envelope = error_response(
                response.status_code, STATUS_CODES[response.status_code], message
            )
            if allowed:
                envelope["Allow"] = allowed
            return envelope
        return response


def _is_json(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        return "error" in json.loads(response.content) or response.status_code < 400
    except (ValueError, AttributeError):
        return False


class ConsoleLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every console page needs a login; the JSON API authenticates with bearer tokens."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ConsoleCSPMiddleware(CSPMiddleware):
    """Content-Security-Policy for documents. JSON API responses are not rendered by a
    browser, so the policy (which costs as much as a cache lookup to build) is skipped
    for them; the interactive API docs page keeps it."""

    def process_response(self, request, response):
        if request.path.startswith(API_PREFIX) and not request.path.endswith("/docs"):
            return response
        return super().process_response(request, response)


class NotFoundMiddleware:
    """A console view that names something that does not exist (UnknownReference, the
    domain's "not found") answers 404 with the reason, like Http404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, UnknownReference):
            raise Http404(exception.message) from exception
        return None
