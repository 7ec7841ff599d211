"""The prompt document of the prompt library, its variables, and rendering (pure).

A prompt is versioned exactly like an agent (draft, revisions, versions, the
released pointer, labels): only its document differs. The document is its text
and the variables the text may use, each typed (string, number, boolean) with an
optional default:

    {"text": "Hello {{customer_name}}, …",
     "variables": [{"name": "customer_name", "type": "string", "default": "there"}]}

A `{{name}}` the variables do not declare is declared as it is read: a string
without a default (declared ones keep their types). An agent links a prompt with
values for its variables (`prompt_links[i].variables`); a value must have the
declared type, and a variable without a default needs one. Both are checked when
the link is written and when the text is rendered.
"""

from __future__ import annotations

import copy
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from agents.domain.config import Identifier, Section, Text, validated, within_size
from agents.domain.exceptions import ConfigInvalid

SCHEMA_VERSION = 1
TEXT_MAX = 100_000
MAX_VARIABLES = 50
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")
VariableType = Literal["string", "number", "boolean"]
Value = str | int | float | bool


def type_problem(value: Any, kind: str) -> str | None:
    """Why `value` is not of variable type `kind` (None: it is)."""
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, bool)
    return None if ok else f"must be a {kind}"


class Variable(Section):
    name: Identifier
    type: VariableType = "string"
    default: Annotated[str, Field(max_length=10_000)] | bool | int | float | None = None

    @model_validator(mode="after")
    def _default_has_the_type(self) -> Variable:
        if self.default is not None:
            problem = type_problem(self.default, self.type)
            if problem:
                raise ValueError(f"the default {problem}")
        return self


class PromptDocument(Section):
    text: Annotated[Text, Field(max_length=TEXT_MAX)] = ""
    variables: list[Variable] = Field(default_factory=list, max_length=MAX_VARIABLES)

    @field_validator("variables")
    @classmethod
    def _unique_names(cls, variables: list[Variable]) -> list[Variable]:
        seen: set[str] = set()
        for variable in variables:
            if variable.name in seen:
                raise ValueError(f"two variables are named {variable.name}")
            seen.add(variable.name)
        return variables


def placeholders(text: str) -> list[str]:
    """The variable names the text uses, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def normalize(raw: Any) -> dict[str, Any]:
    """Validate a prompt document and return its normalized form, or ConfigInvalid
    naming each problem by path (`variables[0].default`)."""
    document = validated(PromptDocument, raw, "prompt")
    declared = {variable["name"] for variable in document["variables"]}
    missing = [name for name in placeholders(document["text"]) if name not in declared]
    if len(declared) + len(missing) > MAX_VARIABLES:
        raise ConfigInvalid(
            [{"path": "text", "message": f"uses more than {MAX_VARIABLES} variables"}]
        )
    # A placeholder the variables do not declare is a string without a default
    # (as Langfuse and PromptLayer read it); declared ones keep their types.
    document["variables"] += [{"name": name, "type": "string", "default": None} for name in missing]
    return within_size(document, "prompt")


def default_document() -> dict[str, Any]:
    return PromptDocument().model_dump(mode="json")


def upgrade(document: dict[str, Any], schema_version: int) -> dict[str, Any]:
    """Prompt documents have had one schema so far."""
    if schema_version > SCHEMA_VERSION:
        raise ConfigInvalid(
            [{"path": "", "message": f"schema version {schema_version} is newer than known"}]
        )
    return normalize(copy.deepcopy(document))


def value_problems(document: dict[str, Any], values: dict[str, Any], path: str) -> list[dict]:
    """What is wrong with `values` for the variables `document` declares: an unknown
    name, a value of the wrong type, a variable with no default left without one."""
    declared = {variable["name"]: variable for variable in document["variables"]}
    problems = [
        {"path": f"{path}.{name}", "message": "the prompt declares no such variable"}
        for name in values
        if name not in declared
    ]
    for name, variable in declared.items():
        if name in values:
            problem = type_problem(values[name], variable["type"])
            if problem:
                problems.append({"path": f"{path}.{name}", "message": problem})
        elif variable["default"] is None:
            problems.append({"path": f"{path}.{name}", "message": "needs a value (no default)"})
    return problems


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(document: dict[str, Any], values: dict[str, Any], *, path: str = "variables") -> str:
    """The text with each `{{name}}` replaced by its value or default; ConfigInvalid when
    a value is missing or of the wrong type."""
    problems = value_problems(document, values, path)
    if problems:
        raise ConfigInvalid(problems)
    merged = {v["name"]: v["default"] for v in document["variables"]} | values
    return PLACEHOLDER.sub(lambda match: _shown(merged[match[1]]), document["text"])


def with_linked_texts(config: dict[str, Any], linked: list[dict[str, Any]]) -> dict[str, Any]:
    """The configuration a model is given: the agent's system prompt followed by each
    linked prompt's rendered text, in link order (runtimes get the same texts apart, in
    `prompts`, and may compose them their own way)."""
    if not linked:
        return config
    composed = copy.deepcopy(config)
    parts = [composed.get("prompt", {}).get("system_prompt", "")]
    parts += [prompt["text"] for prompt in linked]
    composed.setdefault("prompt", {})["system_prompt"] = "\n\n".join(p for p in parts if p)
    return composed


def coerce_defaults(document: Any) -> Any:
    """A prompt document as a form typed it: each variable's default read as its type
    (`3` for a number, `true`/`false` for a boolean); anything unreadable is left as
    typed, for normalize to name."""
    if not isinstance(document, dict) or not isinstance(document.get("variables"), list):
        return document
    for variable in document["variables"]:
        if not isinstance(variable, dict) or not isinstance(variable.get("default"), str):
            continue
        typed, kind = variable["default"].strip(), variable.get("type")
        if kind == "boolean" and typed.lower() in ("true", "false"):
            variable["default"] = typed.lower() == "true"
        elif kind == "number":
            try:
                number = float(typed)
            except ValueError:
                continue
            if number == number and abs(number) < 2**53:  # finite, not NaN
                variable["default"] = int(number) if number.is_integer() else number
    return document
