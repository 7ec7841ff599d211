"""Site middleware: strict input, the request-size guard and error envelopes for the
JSON API, login, CSP, and the domain's "not found"."""

from __future__ import annotations

import json
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from agents.domain import json_input
from agents.domain.bundles import from_yaml
from agents.domain.exceptions import InvalidInput, UnknownReference
from agents.domain.request_ids import request_id

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


JSON_TYPES = ("application/json", "application/merge-patch+json")
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
YAML_PATHS = ("/import",)  # the API paths that take a YAML body too (bundles, drafts)


# The API's query parameters that may be given more than once (the filters of the
# change feed, the versions of the metrics), by path; every other one is given at
# most once. `tests/project/test_middleware.py` holds this to the OpenAPI document.
REPEATABLE = (
    (re.compile(r"/api/v1/(changes|stream)"), frozenset({"agent", "channel", "prompt"})),
    (re.compile(r"/api/v1/agents/[^/]+/metrics"), frozenset({"version"})),
)


def repeatable(path: str, key: str) -> bool:
    return any(key in names and pattern.fullmatch(path) for pattern, names in REPEATABLE)


class StrictInputMiddleware:
    """Refuse, before any view runs, input no view could store: a NUL character or a
    lone surrogate in the path, the query string or a form field; and on the API, a
    body that is not `Content-Type: application/json` or not JSON as
    `agents.domain.json_input` reads it (finite numbers, bounded depth). The API
    answers with its JSON envelope (400 for a body it cannot read, 422 with the path
    of each problem otherwise), the console with a plain 400 that says what is wrong.
    The parsed body is kept as `request.json_body`. Line endings of every string of
    a body and every form field are read as `\n`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        try:
            _check_text("(path)", request.path)
            query = request.META.get("QUERY_STRING") and request.GET.lists()
            for key, values in query or ():
                for text in (key, *values):
                    _check_text(key, text)
                if api and len(values) > 1 and not repeatable(request.path, key):
                    raise InvalidInput([{"path": key[:60], "message": "given more than once"}])
            if api:
                _read_json_body(request)
            elif request.method == "POST":
                for key, values in request.POST.lists():
                    for text in (key, *values):
                        _check_text(key, text)
                _unix_newlines_in_form(request)
        except json_input.MalformedJSON as exc:
            return _bad_request(api, str(exc))
        except InvalidInput as exc:
            if not api:
                return _bad_request(api, exc.message)
            return error_response(422, exc.code, "The request is not valid.", exc.errors)
        return self.get_response(request)


def _unix_newlines_in_form(request: HttpRequest) -> None:
    """Browsers send every line of a textarea ending in `\r\n`: the console's forms
    read `\n` line endings, as the API's bodies do (`json_input.unix_newlines`)."""
    if not any("\r" in value for _key, values in request.POST.lists() for value in values):
        return
    form = request.POST.copy()
    for key, values in form.lists():
        form.setlist(key, [json_input.unix_newlines(value) for value in values])
    form._mutable = False
    request.POST = form


def _check_text(where: str, text: str) -> None:
    """InvalidInput naming `where` (a parameter, a field, or the path) if `text` holds a
    character that cannot be stored."""
    if reason := json_input.unusable(text):
        where = where if not json_input.unusable(where) else "(name)"
        raise InvalidInput([{"path": where[:60], "message": reason}])


def _read_json_body(request: HttpRequest) -> None:
    if request.method not in ("POST", "PUT", "PATCH") or not request.body:
        return
    content_type = request.content_type or ""
    if content_type in YAML_TYPES and request.path.endswith(YAML_PATHS):
        # Bundles may be sent as the YAML they are kept in: read without aliases,
        # then held to the same rules as JSON (finite numbers, bounded depth).
        try:
            data = from_yaml(request.body)
            request.json_body = json_input.loads(json.dumps(data, allow_nan=True))
        except (ValueError, TypeError) as exc:
            raise json_input.MalformedJSON(str(exc)) from None
        _an_object(request.json_body)
        return
    if content_type not in JSON_TYPES:
        raise json_input.MalformedJSON(
            f"Send the body as JSON with Content-Type: application/json (got {content_type!r})."
        )
    request.json_body = json_input.loads(request.body)
    _an_object(request.json_body)


def _an_object(body) -> None:
    """Every body the API takes is an object; a list would otherwise be read as an
    object with none of its (optional) fields set."""
    if not isinstance(body, dict):
        raise InvalidInput([{"path": "", "message": "the body must be a JSON object"}])


def _bad_request(api: bool, message: str) -> HttpResponse:
    if api:
        return error_response(400, "bad_request", message)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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


class WorkspaceMiddleware:
    """The console's workspace: the one chosen in the top bar (kept in the session),
    else the user's first. Every scoped query of the request sees that workspace only,
    and permission checks ask the user's role there (agents/models/scoping.py). API
    requests get their token's workspace when the token is checked; whatever a request
    set, the scope is put back when its response is made."""

    SESSION_KEY = "workspace"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from agents.models import scoping
        from agents.selectors import workspaces

        request.seats, request.seat = [], None
        if request.path.startswith(API_PREFIX) or not request.user.is_authenticated:
            token = scoping.enter(None)
        else:
            request.seats = workspaces.seats_of(request.user)
            request.seat = workspaces.chosen(request.seats, request.session.get(self.SESSION_KEY))
            home = request.seat.workspace.pk if request.seat else None
            visible = [] if home is None else [home]
            if request.user.is_superuser and request.path.startswith("/admin/"):
                visible = None  # support across every workspace
            token = scoping.enter(visible, home)
        try:
            return self.get_response(request)
        finally:
            scoping.leave(token)


class AuditOriginMiddleware:
    """Each request's id (the caller's `X-Request-ID` when it is a plain token, else a
    new one; sent back in the response) and what the audit log attributes its writes
    to: console, API or admin, the user, the id and the client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from agents.services import audit

        request.request_id = request_id(request.headers.get("X-Request-ID", ""))
        if request.path.startswith(API_PREFIX):
            via, user = "api", None  # the token's user: the services are told
        else:
            via = "admin" if request.path.startswith("/admin/") else "console"
            user = request.user if request.user.is_authenticated else None
        found = audit.Origin(
            via=via,
            user=user,
            request_id=request.request_id,
            ip=request.META.get("REMOTE_ADDR") or None,
        )
        with audit.from_origin(found):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
