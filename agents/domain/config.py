"""The agent configuration document: one schema for forms, API, snapshots, restore and diff.

Everything here is pure (no database). A configuration is *normalized* by
validating it against :class:`AgentConfig` and dumping it back to JSON-ready
Python: every section present, every default filled in, floats as floats. Two
documents are the same configuration exactly when their normalized forms have
the same :func:`content_hash`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import jsonschema
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from agents.domain.exceptions import ConfigInvalid
from agents.domain.network import internal_host
from agents.domain.text import no_control_chars

SCHEMA_VERSION = 1

_IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
# BCP-47 as used by speech providers: language, optional script, region, variants.
_BCP47 = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$"


def _json_without_control_chars(value: Any) -> Any:
    """Walk a JSON value and refuse control characters in any key or string."""
    if isinstance(value, str):
        no_control_chars(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_control_chars(str(key))
            _json_without_control_chars(item)
    elif isinstance(value, list):
        for item in value:
            _json_without_control_chars(item)
    return value


def _valid_json_schema(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    _json_without_control_chars(value)
    try:
        jsonschema.Draft202012Validator.check_schema(value)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(part) for part in exc.path)
        raise ValueError(
            f"is not a valid JSON Schema: {exc.message}" + (f" (at {where})" if where else "")
        ) from None
    return value


Text = Annotated[str, AfterValidator(no_control_chars)]
Identifier = Annotated[str, Field(pattern=_IDENTIFIER, max_length=64)]
JsonSchema = Annotated[dict[str, Any], AfterValidator(_valid_json_schema)]
OptionalJsonSchema = Annotated[dict[str, Any] | None, AfterValidator(_valid_json_schema)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_json_without_control_chars)]


class Section(BaseModel):
    """A part of the document: unknown keys are errors, values are checked on assignment,
    numbers are finite."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class PromptConfig(Section):
    system_prompt: Annotated[Text, Field(max_length=200_000)] = (
        "You are a friendly, concise assistant. Answer in one or two sentences."
    )
    welcome_message: Annotated[Text, Field(max_length=2_000)] = "Hello! How can I help you today?"


class LLMConfig(Section):
    provider: Literal["openai", "anthropic", "google", "azure", "custom"] = "openai"
    model: Annotated[Text, Field(min_length=1, max_length=200)] = "gpt-4o-mini"
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.7
    max_tokens: Annotated[int, Field(ge=1, le=32_000)] = 1024


class VoiceConfig(Section):
    tts_provider: Annotated[Text, Field(min_length=1, max_length=100)] = "elevenlabs"
    tts_voice: Annotated[Text, Field(min_length=1, max_length=200)] = "rachel"
    stt_provider: Annotated[Text, Field(min_length=1, max_length=100)] = "deepgram"
    language: Annotated[str, Field(pattern=_BCP47, max_length=35)] = "en-US"


class ConversationConfig(Section):
    vad_sensitivity: Annotated[float, Field(ge=0, le=1)] = 0.5
    interruption_threshold_ms: Annotated[int, Field(ge=0, le=10_000)] = 300
    silence_timeout_s: Annotated[float, Field(gt=0, le=600)] = 10.0
    inactivity_timeout_s: Annotated[float, Field(gt=0, le=3_600)] = 30.0
    max_duration_s: Annotated[int, Field(ge=10, le=14_400)] = 1_800

    @model_validator(mode="after")
    def _silence_before_inactivity(self) -> ConversationConfig:
        if self.silence_timeout_s > self.inactivity_timeout_s:
            raise ValueError("silence_timeout_s must not exceed inactivity_timeout_s")
        return self


class BackgroundSoundConfig(Section):
    preset: Literal["none", "office", "cafe", "call_center"] = "none"
    volume: Annotated[float, Field(ge=0, le=1)] = 0.5


class KnowledgeLink(Section):
    knowledge_base_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")]
    top_k: Annotated[int, Field(ge=1, le=50)] = 5
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5


def _empty_object_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {}}


class Tool(Section):
    """A tool the agent may call. Secrets are referenced by name, never stored."""

    name: Identifier
    description: Annotated[Text, Field(max_length=2_000)] = ""
    type: Literal["webhook", "transfer_call", "end_call"] = "webhook"
    url: Annotated[str, Field(max_length=2_000)] | None = None
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    parameters: JsonSchema = Field(default_factory=_empty_object_schema)
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    secret_ref: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        no_control_chars(value)
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
            raise ValueError("must be an http:// or https:// URL")
        if "@" in urlsplit(value).netloc:
            raise ValueError(
                "must not contain credentials (user:password@); name a secret in secret_ref"
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> Tool:
        if self.type == "webhook" and not self.url:
            raise ValueError("a webhook tool needs a url")
        return self


class AnalysisField(Section):
    name: Identifier
    type: Literal["string", "number", "boolean", "enum"] = "string"
    description: Annotated[Text, Field(max_length=2_000)] = ""
    choices: list[Annotated[Text, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=100
    )

    @model_validator(mode="after")
    def _choices_only_for_enum(self) -> AnalysisField:
        if self.type == "enum" and not self.choices:
            raise ValueError("an enum field needs at least one choice")
        if self.type != "enum" and self.choices:
            raise ValueError("only enum fields have choices")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choices must be unique")
        return self


def _unique(items: Iterable[Any], key: str, what: str) -> None:
    seen: set[str] = set()
    for item in items:
        value = getattr(item, key)
        if value in seen:
            raise ValueError(f"{what} {value!r} appears more than once")
        seen.add(value)


class CallAnalysisConfig(Section):
    prompt: Annotated[Text, Field(max_length=20_000)] = ""
    fields: list[AnalysisField] = Field(default_factory=list, max_length=100)

    @field_validator("fields")
    @classmethod
    def _unique_names(cls, fields: list[AnalysisField]) -> list[AnalysisField]:
        _unique(fields, "name", "analysis field")
        return fields


PROMPT_ID = r"^pr_[a-z2-7]{10}$"
LinkValue = Annotated[str, Field(max_length=10_000)] | bool | int | float


class PromptLink(Section):
    """A prompt of the library used by this agent: in a role (`main`, `compliance`),
    in an order, pinned to a version or following the prompt's released one (null),
    with values for the prompt's variables."""

    prompt: Annotated[str, Field(pattern=PROMPT_ID)]
    role: Identifier = "main"
    sort_order: Annotated[int, Field(ge=0, le=1_000)] = 0
    version: Annotated[int, Field(ge=1)] | None = None
    variables: dict[Identifier, LinkValue] = Field(default_factory=dict, max_length=50)


class AgentConfig(Section):
    """The whole configuration document of an agent (schema version 1).

    `prompt_links` is left out of the normalized form while it is empty, so
    documents written before the prompt library keep their content hashes."""

    prompt: PromptConfig = Field(default_factory=PromptConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    voice: VoiceConfig = Field(default_factory=VoiceConfig)
    conversation: ConversationConfig = Field(default_factory=ConversationConfig)
    background_sound: BackgroundSoundConfig = Field(default_factory=BackgroundSoundConfig)
    knowledge: list[KnowledgeLink] = Field(default_factory=list, max_length=50)
    tools: list[Tool] = Field(default_factory=list, max_length=100)
    call_analysis: CallAnalysisConfig = Field(default_factory=CallAnalysisConfig)
    workflow: JsonObject | None = None
    input_schema: OptionalJsonSchema = None
    output_schema: OptionalJsonSchema = None
    prompt_links: list[PromptLink] = Field(default_factory=list, max_length=20)

    @model_serializer(mode="wrap")
    def _without_empty_links(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        document = handler(self)
        if not document.get("prompt_links"):
            document.pop("prompt_links", None)
        return document

    @field_validator("prompt_links")
    @classmethod
    def _one_link_per_prompt_and_role(cls, links: list[PromptLink]) -> list[PromptLink]:
        seen: set[tuple[str, str]] = set()
        for link in links:
            if (link.prompt, link.role) in seen:
                raise ValueError(f"{link.prompt} is linked twice as {link.role}")
            seen.add((link.prompt, link.role))
        return links

    @field_validator("tools")
    @classmethod
    def _unique_tool_names(cls, tools: list[Tool]) -> list[Tool]:
        _unique(tools, "name", "tool name")
        return tools

    @field_validator("knowledge")
    @classmethod
    def _unique_knowledge(cls, links: list[KnowledgeLink]) -> list[KnowledgeLink]:
        _unique(links, "knowledge_base_id", "knowledge base")
        return links


SECTIONS: tuple[str, ...] = tuple(AgentConfig.model_fields)


def error_path(loc: Iterable[str | int]) -> str:
    """Turn a pydantic location into the document path operators read: `tools[0].url`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith(("function-", "constrained-", "json-or-python")) or "[" in part:
            continue  # pydantic's internal validator names are not document keys
        else:
            path += f".{part}" if path else part
    return path


def error_messages(exc: ValidationError) -> list[dict[str, str]]:
    problems = []
    for err in exc.errors(include_url=False):
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append({"path": error_path(err["loc"]), "message": message})
    return problems


MAX_DOCUMENT_BYTES = 512 * 1024  # canonical JSON; well below the API's 1 MiB body limit


def normalize(raw: Any) -> dict[str, Any]:
    """Validate a document and return its normalized form, or raise ConfigInvalid.

    The error names every problem by path (`llm.temperature`), so a caller can
    show each one beside its field; nothing is changed when this raises.
    """
    return within_size(validated(AgentConfig, raw, "configuration"), "configuration")


def validated(model: type[BaseModel], raw: Any, what: str) -> dict[str, Any]:
    """`raw` read by `model` as JSON data, or ConfigInvalid naming each problem by path."""
    if not isinstance(raw, dict):
        raise ConfigInvalid([{"path": "", "message": f"the {what} must be a JSON object"}])
    try:
        return model.model_validate(raw).model_dump(mode="json")
    except ValidationError as exc:
        raise ConfigInvalid(error_messages(exc)) from None


def within_size(document: dict[str, Any], what: str) -> dict[str, Any]:
    if len(canonical_json(document)) > MAX_DOCUMENT_BYTES:
        message = f"the {what} exceeds {MAX_DOCUMENT_BYTES} bytes"
        raise ConfigInvalid([{"path": "", "message": message}])
    return document


def default_config() -> dict[str, Any]:
    return AgentConfig().model_dump(mode="json")


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that content hashes are taken of."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(document: Any) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON merge patch and return the result (inputs are not modified)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# Upgrades from schema version N to N+1, applied in order to old snapshots before
# they are read by current code. Add one function per schema change (with a test)
# and bump SCHEMA_VERSION.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgrade(document: dict[str, Any], schema_version: int) -> dict[str, Any]:
    """Bring a stored document of `schema_version` up to SCHEMA_VERSION and normalize it."""
    if schema_version > SCHEMA_VERSION:
        raise ConfigInvalid(
            [
                {
                    "path": "",
                    "message": f"schema version {schema_version} is newer than this "
                    f"server understands ({SCHEMA_VERSION})",
                }
            ]
        )
    document = copy.deepcopy(document)
    for version in range(schema_version, SCHEMA_VERSION):
        document = UPGRADES[version](document)
    return normalize(document)


_MISSING = object()


def changed_values(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every differing leaf of two documents, for audit summaries.

    Objects are walked key by key; anything else (lists included) is compared whole.
    A key present on one side only has the other side reported as None.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[tuple[str, Any, Any]] = []
        for key in sorted(set(old) | set(new), key=str):
            child = f"{prefix}.{key}" if prefix else str(key)
            found.extend(changed_values(old.get(key, _MISSING), new.get(key, _MISSING), child))
        return found
    if old == new:
        return []
    return [
        (prefix or "(document)", None if old is _MISSING else old, None if new is _MISSING else new)
    ]


def changed_paths(old: Any, new: Any) -> list[str]:
    return [path for path, _, _ in changed_values(old, new)]


def tool_url_warnings(document: dict[str, Any]) -> dict[str, str]:
    """Tool URLs that point inside a network (private, loopback, link-local or reserved
    addresses, or names like `localhost`), by path. Not errors: a tool may rightly call
    a service next to the runtime; the editor says so, so it is a choice."""
    warnings: dict[str, str] = {}
    tools = document.get("tools") if isinstance(document, dict) else None
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        url = tool.get("url") if isinstance(tool, dict) else None
        if not isinstance(url, str) or not url:
            continue
        try:
            host = (urlsplit(url).hostname or "").rstrip(".").lower()
        except ValueError:
            continue
        if reason := internal_host(host):
            warnings[f"tools[{i}].url"] = (
                f"{host} is {reason}: runtimes outside that network cannot reach it, "
                "and calls there reach internal services"
            )
    return warnings
