"""Where each console page is served, declared on its view:

    @routes.agent_pages.form("versions/<int:number>/release/", name="release")
    def release(request, public_id, number): ...

`agents/urls.py` includes the two groups: an agent's pages under `agents/<public_id>/`
(the prefix stated once), and the console's other pages. A reader finds a page's view
by its address, and a view's address on the view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.urls import URLPattern, path, register_converter
from django.views.decorators.http import require_http_methods

View = TypeVar("View", bound=Callable[..., Any])


class Pages:
    """The pages of one URL group, in the order that resolves them right: a word in
    the address (`new/`) is tried before a value in the same place (`<str:id>/`)."""

    def __init__(self) -> None:
        self._patterns: list[URLPattern] = []

    def __call__(
        self, route: str, *, name: str, methods: list[str] | None = None, **defaults: Any
    ) -> Callable[[View], View]:
        """Serve the view at `route` under `name`; with `methods`, only for those (405
        for any other)."""

        def declare(view: View) -> View:
            if methods is not None:
                view = require_http_methods(methods)(view)
            self._patterns.append(path(route, view, defaults or None, name=name))
            return view

        return declare

    def get(self, route: str, *, name: str, **defaults: Any) -> Callable[[View], View]:
        """A page that only shows (GET)."""
        return self(route, name=name, methods=["GET"], **defaults)

    def post(self, route: str, *, name: str, **defaults: Any) -> Callable[[View], View]:
        """A button that only acts (POST)."""
        return self(route, name=name, methods=["POST"], **defaults)

    def form(self, route: str, *, name: str, **defaults: Any) -> Callable[[View], View]:
        """A form or dialog: GET shows it, POST submits it."""
        return self(route, name=name, methods=["GET", "POST"], **defaults)

    def patterns(self) -> list[URLPattern]:
        return sorted(self._patterns, key=lambda found: _specificity(str(found.pattern)))


def _specificity(route: str) -> list[tuple[bool, str]]:
    return [(part.startswith("<"), part) for part in route.split("/")]


class Words:
    """A path segment that is one of a few words (`approve` or `reject`)."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def words(regex: str) -> type[Words]:
    return type("Words", (Words,), {"regex": regex})


# a, b of a comparison: draft | draft:NAME | released | 3 | r12 | a label (labels hold dashes)
register_converter(words("[A-Za-z0-9:-]+"), "ref")
register_converter(words("approve|reject"), "verdict")
register_converter(words("release|cancel"), "carry_out")
register_converter(words("pause|resume|advance|abort"), "steer")
register_converter(words("test|rotate|delete"), "hook_action")

pages = Pages()
agent_pages = Pages()
