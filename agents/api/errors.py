"""Domain and framework errors as the API's JSON envelope, mapped once."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from agents.domain import config
from agents.domain.exceptions import (
    AgentConsoleError,
    AgentNotPublished,
    DraftConflict,
    InvalidInput,
    NoChanges,
    SelfApproval,
    UnknownReference,
)
from console.middleware import error_response


def register(api: NinjaAPI) -> None:
    """Install the handlers on `api`."""

    @api.exception_handler(AgentConsoleError)
    def _domain_error(request, exc: AgentConsoleError):
        status = {
            UnknownReference: 404,
            SelfApproval: 403,
            DraftConflict: 412,
            NoChanges: 409,
            AgentNotPublished: 409,
            InvalidInput: 422,
        }
        code = (
            422
            if isinstance(exc, InvalidInput)
            else next((s for cls, s in status.items() if isinstance(exc, cls)), 409)
        )
        return error_response(code, exc.code, exc.message, exc.details)

    def _validation_path(loc) -> str:
        parts = [p for p in loc if p not in ("body", "query", "path", "header", "payload")]
        return config.error_path(parts)

    @api.exception_handler(ValidationError)
    def _validation_error(request, exc: ValidationError):
        problems = [
            {"path": _validation_path(e.get("loc", ())), "message": e.get("msg", "invalid")}
            for e in exc.errors
        ]
        if any(e.get("type") == "json_invalid" for e in exc.errors):
            return error_response(400, "bad_request", "The body is not valid JSON.", problems)
        return error_response(422, "validation_error", "The request is not valid.", problems)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(401, "unauthenticated", "A valid bearer token is required.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return error_response(403, "permission_denied", str(exc) or "Permission denied.")

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, "not_found", str(exc) or "Not found.")

    @api.exception_handler(ObjectDoesNotExist)
    def _missing(request, exc):
        return error_response(404, "not_found", str(exc) or "Not found.")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return error_response(413, "payload_too_large", "The request body is too large.")

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        codes = {400: "bad_request", 405: "method_not_allowed", 413: "payload_too_large"}
        return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))
