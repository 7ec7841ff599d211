"""The API reference at `/api/v1/docs`: read from the OpenAPI document the API serves
and rendered on the server as plain, accessible HTML (headings per area, a table of
parameters and answers per operation, every schema with its fields), with the
console's stylesheet and nothing loaded from elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # path | query | header
    type: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Answer:
    code: str
    description: str
    type: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    operation_id: str
    params: list[Param] = field(default_factory=list)
    body: str = ""
    answers: list[Answer] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "op-" + self.operation_id


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    fields: list[Field]
    type: str  # for schemas that are not objects (an enum, a union)

    @property
    def anchor(self) -> str:
        return "schema-" + self.name


def type_of(schema: dict[str, Any] | None) -> str:
    """A schema in a few words: `string`, `array of AgentOut`, `integer or null`,
    `one of "a", "b"`; `AgentOut` names a schema below (the template links it)."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "enum" in schema:
        return "one of " + ", ".join(f'"{value}"' for value in schema["enum"])
    if "const" in schema:
        return f'"{schema["const"]}"'
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            joined = " or " if key != "allOf" else " and "
            return joined.join(dict.fromkeys(type_of(part) for part in schema[key]))
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"array of {type_of(schema.get('items'))}"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return f"object of {type_of(extra) if isinstance(extra, dict) else 'any'}"
    return kind + (f" ({schema['format']})" if "format" in schema else "")


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def linked(text: str, names: set[str]) -> SafeString:
    """`text` (a type in words) as HTML, each schema name in it a link to its schema."""
    parts, end = [], 0
    for found in _WORD.finditer(text):
        parts.append(escape(text[end : found.start()]))
        word = found.group()
        if word in names:
            parts.append(format_html('<a href="#schema-{}">{}</a>', word, word))
        else:
            parts.append(escape(word))
        end = found.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # every part escaped above


def _body_type(content: dict[str, Any] | None) -> str:
    if not content:
        return ""
    media, found = next(iter(content.items()))
    return f"{type_of(found.get('schema'))} ({media})"


def operations(document: dict[str, Any], names: set[str]) -> list[tuple[str, list[Operation]]]:
    """The operations grouped by the area their path names (`agents`, `channels`…),
    in the document's order."""
    prefix = "/api/v1"
    groups: dict[str, list[Operation]] = {}
    for path, item in document.get("paths", {}).items():
        shown = path.removeprefix(prefix) or "/"
        area = shown.strip("/").split("/")[0] or "api"
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            found = Operation(
                method=method.upper(),
                path=shown,
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                operation_id=op.get("operationId", f"{method}-{path}"),
                params=[
                    Param(
                        p["name"],
                        p.get("in", ""),
                        linked(type_of(p.get("schema")), names),
                        bool(p.get("required")),
                        p.get("description", ""),
                    )
                    for p in op.get("parameters", [])
                ],
                body=linked(_body_type((op.get("requestBody") or {}).get("content")), names),
                answers=[
                    Answer(
                        code,
                        answer.get("description", ""),
                        linked(_body_type(answer.get("content")), names),
                    )
                    for code, answer in sorted(op.get("responses", {}).items())
                ],
            )
            groups.setdefault(area, []).append(found)
    return list(groups.items())


def schemas(document: dict[str, Any], names: set[str]) -> list[Schema]:
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            Field(key, linked(type_of(value), names), key in required, value.get("description", ""))
            for key, value in schema.get("properties", {}).items()
        ]
        kind = "" if "properties" in schema else linked(type_of(schema), names)
        found.append(Schema(name, schema.get("description", ""), fields, kind))
    return found


class Reference(DocsBase):
    """django-ninja's docs page, as a server-rendered reference."""

    template = "agents/api/reference.html"

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        names = set(document.get("components", {}).get("schemas", {}))
        context = {
            "info": document.get("info", {}),
            "groups": operations(document, names),
            "schemas": schemas(document, names),
            "openapi_url": self.get_openapi_url(api, kwargs),
        }
        return render(request, self.template, context)
