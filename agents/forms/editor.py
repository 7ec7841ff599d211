"""The draft editor form, derived from the configuration schema (no hand-written fields).

`SECTIONS` describes every field of `AgentConfig` once: its widget, label,
limits and choices. `parse_form` turns submitted form data back into a
document (errors keyed by the same paths the schema reports), and
`editor_sections` pairs each field with its current value and error for the
template. Adding a field to the schema adds it to the editor.
"""

from __future__ import annotations

import copy
import json
import types
import typing
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal, Union

import annotated_types
from django.http import QueryDict
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from agents.domain import documents, json_input
from agents.domain.config import AgentConfig, PromptLink, tool_url_warnings
from agents.domain.exceptions import ConfigInvalid, InvalidInput
from agents.domain.prompts import PromptDocument, coerce_defaults
from agents.forms import data_choices
from agents.selectors.prompts import LinkChoices

Kind = Literal["text", "textarea", "number", "select", "json", "lines", "list"]

# Section headings in editor order; the two schema fields share one section.
SECTION_TITLES: dict[str, str] = {
    "prompt": "Prompt",
    "llm": "LLM",
    "voice": "Voice",
    "conversation": "Conversation",
    "background_sound": "Background sound",
    "knowledge": "Knowledge",
    "tools": "Tools",
    "call_analysis": "Call analysis",
    "workflow": "Workflow",
    "input_schema": "Input/Output schema",
    "output_schema": "Input/Output schema",
    "prompt_links": "Linked prompts",
}
_WORDS = {
    "llm": "LLM",
    "tts": "TTS",
    "stt": "STT",
    "vad": "VAD",
    "url": "URL",
    "id": "ID",
    "ms": "(ms)",
    "s": "(s)",
    "k": "K",
    "json": "JSON",
}
_ROW_NOUNS = {
    "variables": "variable",
    "knowledge": "knowledge base",
    "tools": "tool",
    "fields": "field",
    "prompt_links": "prompt link",
}


def humanize(name: str) -> str:
    words = [_WORDS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    optional: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None
    row_fields: tuple[FieldSpec, ...] = ()  # for kind == "list": the fields of one row
    row_noun: str = ""
    row_defaults: tuple[tuple[str, Any], ...] = ()  # what a new row starts with
    nested: tuple[FieldSpec, ...] = ()  # for a sub-object (a section's fields)
    source: str = ""  # a select whose options come from data ("prompts", "prompt_versions")

    @property
    def step(self) -> str:
        return "1" if self.integer else "any"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional[...] and Annotated[...]; return (inner type, optional)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _limits(info: FieldInfo, annotation: Any) -> dict[str, Any]:
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            metadata.extend(getattr(extra, "metadata", [extra]))
    limits: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            limits["minimum"] = getattr(item, "ge", getattr(item, "gt", None))
        if isinstance(item, annotated_types.Le | annotated_types.Lt):
            limits["maximum"] = getattr(item, "le", getattr(item, "lt", None))
        if isinstance(item, annotated_types.MaxLen):
            limits["max_length"] = item.max_length
    return limits


def _spec(name: str, info: FieldInfo) -> FieldSpec:
    inner, optional = _unwrap(info.annotation)
    limits = _limits(info, info.annotation)
    label = humanize(name)
    if typing.get_origin(inner) is Literal:
        return FieldSpec(name, label, "select", choices=tuple(typing.get_args(inner)))
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return FieldSpec(name, label, "text", nested=_model_specs(inner))
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        item, _ = _unwrap(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            defaults = tuple(
                (key, field.get_default(call_default_factory=True))
                for key, field in item.model_fields.items()
                if not field.is_required()
            )
            return FieldSpec(
                name,
                label,
                "list",
                row_fields=_model_specs(item),
                row_noun=_ROW_NOUNS.get(name, "row"),
                row_defaults=defaults,
            )
        return FieldSpec(name, label, "lines", optional=optional)
    if typing.get_origin(inner) is dict or inner is dict:
        return FieldSpec(name, label, "json", optional=optional)
    if inner in (int, float):
        return FieldSpec(name, label, "number", optional=optional, integer=inner is int, **limits)
    long_text = (limits.get("max_length") or 0) > 1_000
    return FieldSpec(
        name,
        label,
        "textarea" if long_text else "text",
        optional=optional,
        max_length=limits.get("max_length"),
    )


# Fields whose choices are data, not schema: a link names a prompt of the library
# and one of its versions (empty: follow the released one).
_DATA_CHOICES: dict[tuple[type[BaseModel], str], str] = {
    (PromptLink, "prompt"): "prompts",
    (PromptLink, "version"): "prompt_versions",
}


def _model_specs(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    specs = []
    for name, info in model.model_fields.items():
        spec = _spec(name, info)
        source = _DATA_CHOICES.get((model, name))
        specs.append(replace(spec, kind="select", source=source) if source else spec)
    return tuple(specs)


# The document model each kind's editor is derived from, and its section titles.
MODELS: dict[str, type[BaseModel]] = {"agent": AgentConfig, "prompt": PromptDocument}
TITLES: dict[str, dict[str, str]] = {
    "agent": SECTION_TITLES,
    "prompt": {"text": "Text", "variables": "Variables"},
}


@cache
def top_level_specs(kind: str = "agent") -> tuple[FieldSpec, ...]:
    return _model_specs(MODELS[kind])


# ---------------------------------------------------------------- parsing


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _row_indices(data: QueryDict, path: str) -> list[str]:
    """Row keys of a list, in page order (each row carries a hidden `<path>.__row`)."""
    return data.getlist(f"{path}.__row")


def _parse_value(spec: FieldSpec, raw: str | None, path: str, errors: dict[str, str]) -> Any:
    if raw is None:
        return _OMIT
    if spec.kind == "json":
        if not raw.strip():
            return None if spec.optional else _OMIT
        try:
            return json_input.loads(raw)
        except json_input.MalformedJSON as exc:
            errors[path] = str(exc)
        except InvalidInput as exc:
            errors[path] = exc.message
        return TypedText(raw)  # shown again exactly as typed, beside its error
    if spec.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if spec.optional and not raw.strip():
        return None
    return raw  # numbers stay strings: the schema coerces them or names the problem


_OMIT = object()


class TypedText(str):
    """What was typed into a JSON field that could not be read: never saved (its
    error stops the save), always shown back verbatim so no input is lost."""


def _parse_fields(
    specs: tuple[FieldSpec, ...],
    data: QueryDict,
    prefix: str,
    errors: dict[str, str],
    form_prefix: str | None = None,
) -> dict[str, Any]:
    """Read fields named `<form_prefix>.<name>`; report errors at `<prefix>.<name>`."""
    form_prefix = prefix if form_prefix is None else form_prefix
    document: dict[str, Any] = {}
    for spec in specs:
        path, key = _join(prefix, spec.name), _join(form_prefix, spec.name)
        if spec.nested:
            document[spec.name] = _parse_fields(spec.nested, data, path, errors, key)
        elif spec.kind == "list":
            rows = []
            for position, row_key in enumerate(_row_indices(data, key)):
                rows.append(
                    _parse_fields(
                        spec.row_fields, data, f"{path}[{position}]", errors, f"{key}[{row_key}]"
                    )
                )
            document[spec.name] = rows
        else:
            value = _parse_value(spec, data.get(key), path, errors)
            if value is not _OMIT:
                document[spec.name] = value
    return document


def parse_form(data: QueryDict, kind: str = "agent") -> tuple[dict[str, Any], dict[str, str]]:
    """The document the form describes, and the problems found reading it.

    When some fields cannot even be read (broken JSON), the rest is still checked
    against the schema so the operator sees every problem at once. A prompt's
    variable defaults are typed text, read as their variable's type.
    """
    errors: dict[str, str] = {}
    document = _parse_fields(top_level_specs(kind), data, "", errors)
    if kind == "prompt":
        document = coerce_defaults(document)
    if errors:
        try:
            documents.of(kind).normalize(document)
        except ConfigInvalid as exc:
            for problem in exc.errors:
                errors.setdefault(problem["path"], problem["message"])
    return document, errors


def without_row(document: dict[str, Any], path: str) -> dict[str, Any]:
    """Drop the row at `tools[2]` or `call_analysis.fields[0]` (for the Remove button)."""
    list_path, _, index = path.rstrip("]").rpartition("[")
    container = document
    *parents, last = list_path.split(".")
    for part in parents:
        container = container.get(part) or {}
    rows = container.get(last)
    if isinstance(rows, list) and index.isdigit() and int(index) < len(rows):
        rows.pop(int(index))
    return document


def _spec_at(path: str, kind: str = "agent") -> FieldSpec | None:
    specs: tuple[FieldSpec, ...] = top_level_specs(kind)
    found = None
    for part in path.split("."):
        found = next((spec for spec in specs if spec.name == part), None)
        if found is None:
            return None
        specs = found.nested
    return found


def with_blank_row(document: dict[str, Any], list_path: str, kind: str = "agent") -> dict[str, Any]:
    """Append a new row, filled with the schema's defaults, to the list at `list_path`."""
    spec = _spec_at(list_path, kind)
    if spec is None or spec.kind != "list":
        return document
    container = document
    *parents, last = list_path.split(".")
    for part in parents:
        container = container.setdefault(part, {})
    container.setdefault(last, []).append(copy.deepcopy(dict(spec.row_defaults)))
    return document


# ---------------------------------------------------------------- rendering


def _dom_id(path: str) -> str:
    return "f-" + "".join(c if c.isalnum() else "-" for c in path)


@dataclass
class BoundField:
    spec: FieldSpec
    path: str  # document path, e.g. tools[0].url — also the input's name and id
    value: Any
    error: str = ""
    rows: list[BoundRow] = field(default_factory=list)
    warning: str = ""  # worth knowing, not wrong (a tool URL inside a private network)
    options: list[data_choices.Option] = field(default_factory=list)  # a select's data

    @property
    def selected(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def input_id(self) -> str:
        return _dom_id(self.path)

    @property
    def display(self) -> str:
        value = self.value
        if self.spec.kind == "json":
            if value is None or value == "":
                return ""
            return value if isinstance(value, TypedText) else json.dumps(value, indent=2)
        if self.spec.kind == "lines":
            return "\n".join(value) if isinstance(value, list) else (value or "")
        return "" if value is None else str(value)


@dataclass
class BoundRow:
    path: str
    fields: list[BoundField]
    error: str = ""  # a problem with the row as a whole ("a webhook tool needs a url")

    @property
    def key(self) -> str:
        return self.path.rpartition("[")[2].rstrip("]")

    @property
    def dom_id(self) -> str:
        return _dom_id(self.path)


@dataclass
class BoundSection:
    key: str
    title: str
    fields: list[BoundField]
    error: str = ""  # a rule across the section's fields
    error_count: int = 0

    @property
    def dom_id(self) -> str:
        return "section-" + self.key.replace("_", "-")


def _with_warnings(fields: list[BoundField], warnings: dict[str, str]) -> list[BoundField]:
    for item in fields:
        item.warning = warnings.get(item.path, "")
        for row in item.rows:
            _with_warnings(row.fields, warnings)
    return fields


def _bind(
    specs: tuple[FieldSpec, ...],
    values: dict[str, Any],
    prefix: str,
    errors: dict[str, str],
    choices: LinkChoices,
) -> list[BoundField]:
    bound = []
    for spec in specs:
        path = _join(prefix, spec.name)
        value = values.get(spec.name) if isinstance(values, dict) else None
        if spec.nested:
            bound.extend(_bind(spec.nested, value or {}, path, errors, choices))
            continue
        item = BoundField(spec, path, value, errors.get(path, ""))
        if spec.source:
            row = values if isinstance(values, dict) else {}
            item.options = data_choices.options(spec.source, value, row, choices)
        if spec.kind == "list":
            item.rows = [
                BoundRow(
                    f"{path}[{i}]",
                    _bind(spec.row_fields, row, f"{path}[{i}]", errors, choices),
                    errors.get(f"{path}[{i}]", ""),
                )
                for i, row in enumerate(value or [])
            ]
        bound.append(item)
    return bound


def editor_sections(
    document: dict[str, Any],
    errors: dict[str, str],
    kind: str = "agent",
    choices: LinkChoices | None = None,
) -> list[BoundSection]:
    sections: dict[str, BoundSection] = {}
    warnings = tool_url_warnings(document)
    bound_fields = _bind(top_level_specs(kind), document, "", errors, choices or LinkChoices())
    for bound in _with_warnings(bound_fields, warnings):
        top = bound.path.split(".")[0].split("[")[0]
        title = TITLES[kind][top]
        section = sections.setdefault(title, BoundSection(top, title, [], errors.get(top, "")))
        section.fields.append(bound)
    for section in sections.values():
        keys = {f.path.split(".")[0].split("[")[0] for f in section.fields}
        section.error_count = sum(1 for path in errors if path.split(".")[0].split("[")[0] in keys)
    return list(sections.values())


@dataclass(frozen=True)
class Problem:
    """One line of the error summary: what is wrong and a link to where."""

    anchor: str
    label: str
    message: str


def error_summary(sections: list[BoundSection]) -> list[Problem]:
    """Every problem the editor shows, in page order, each linking to its field."""
    problems: list[Problem] = []

    def walk(fields: list[BoundField], where: str) -> None:
        for item in fields:
            label = f"{where} · {item.spec.label}" if where else item.spec.label
            if item.error:
                problems.append(Problem(item.input_id, label, item.error))
            for number, row in enumerate(item.rows, start=1):
                row_label = f"{item.spec.row_noun.capitalize()} {number}"
                if row.error:
                    problems.append(Problem(row.dom_id, row_label, row.error))
                walk(row.fields, row_label)

    for section in sections:
        if section.error:
            problems.append(Problem(section.dom_id, section.title, section.error))
        walk(section.fields, "")
    return problems
