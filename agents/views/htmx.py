"""What every console view shares: the typed htmx request, the dialog/done/panel
helpers, and the names of the htmx events views send and panels listen for.

Dialogs follow one pattern: GET renders the dialog (a whole page without
htmx), an invalid POST re-renders it with errors, success answers 204 with an
HX-Trigger event carrying a message (console.js shows it) that the panels
listen for, or redirects with a flash message without htmx.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from agents.domain.exceptions import AgentConsoleError, InvalidInput


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


SMALL_NUMBER = re.compile(r"[0-9]{1,9}")


def int_or(value: Any, default: int | None = None) -> int | None:
    """`value` read as a whole number of at most 9 ASCII digits (a page, a revision), or
    `default`: `²`, `1e3` or a number beyond any page become the default, never a 500."""
    if isinstance(value, str) and SMALL_NUMBER.fullmatch(value.strip()):
        return int(value)
    return default


def errors_of(exc: InvalidInput) -> dict[str, str]:
    """The first problem per path, for showing beside each field."""
    found: dict[str, str] = {}
    for problem in exc.errors:
        found.setdefault(problem["path"], problem["message"])
    return found


def form_errors(exc: Exception) -> dict[str, str]:
    """Field errors for invalid input; any other domain error (or a refusal such as
    PermissionDenied) as the form's own."""
    if isinstance(exc, InvalidInput):
        return errors_of(exc)
    return {"": exc.message if isinstance(exc, AgentConsoleError) else str(exc)}


class Refusal:
    """What a service refused inside `with refused() as refusal:`: the exception, and
    its errors per field ("" for the form's own). False when nothing was refused."""

    def __init__(self) -> None:
        self.exc: Exception | None = None
        self.errors: dict[str, str] = {}

    def __bool__(self) -> bool:
        return self.exc is not None

    @property
    def message(self) -> str:
        """The refusal in one line (`message: is required`), for a toast or a banner."""
        if isinstance(self.exc, AgentConsoleError):
            return self.exc.message
        return str(self.exc or "")


@contextmanager
def refused() -> Iterator[Refusal]:
    """The one place console views turn a refusal (any domain error, or
    PermissionDenied from a service's own check) into errors a page shows, as
    `api/errors.py` turns them into status codes for the API. A view keeps only what
    is particular to its page: which template shows the errors."""
    refusal = Refusal()
    try:
        yield refusal
    except (AgentConsoleError, PermissionDenied) as exc:
        refusal.exc = exc
        refusal.errors = form_errors(exc)


def with_event(response: HttpResponse, event: str, message: str, **detail: Any) -> HttpResponse:
    """Send `event` with the message console.js shows (and any other detail)."""
    return trigger_client_event(response, event, {"message": message, **detail})


def done(request: HtmxHttpRequest, event: str, to: str, message: str, *also: str) -> HttpResponse:
    """Success: 204 + HX-Trigger for htmx (`event` with the message, and any events
    `also` happened), else a redirect with a flash message."""
    if request.htmx:
        response = with_event(HttpResponse(status=204), event, message)
        for other in also:
            response = trigger_client_event(response, other, {})
        return response
    messages.success(request, message)
    return redirect(to)


def dialog(request: HtmxHttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A dialog body for htmx; a whole page around it otherwise."""
    if request.htmx:
        return render(request, template, context)
    return render(
        request, "agents/shared/dialog_page.html", {**context, "dialog_template": template}
    )


def fragment_or_page(request: HtmxHttpRequest, template: str, partial: str, context, **kw):
    """The named partial of `template` for htmx, the whole page otherwise."""
    return render(request, f"{template}#{partial}" if request.htmx else template, context, **kw)


def panel_views(
    template: str, load: Callable[..., tuple[Any, str, dict[str, Any]]]
) -> Callable[[str], Callable[..., HttpResponse]]:
    """A factory of views that each render one named partial of a page (panels refresh
    this way). `load(request, partial, **kwargs)` checks access and returns
    (the page's object, the page's URL for requests without htmx, the context)."""

    def make(partial: str) -> Callable[..., HttpResponse]:
        @require_http_methods(["GET"])
        def view(request: HtmxHttpRequest, **kwargs: Any) -> HttpResponse:
            _obj, url, context = load(request, partial, **kwargs)
            if not request.htmx:
                return redirect(url)
            return render(request, f"{template}#{partial}", context)

        view.__name__ = partial.replace("-", "_")
        return view

    return make
