"""Reading a peer's file field by field, remembering what was read, so whatever was
not carried over can be listed by path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_MISSING = object()
SCALARS = (str, int, float, bool)


class ShapeError(ValueError):
    """A value of the file that is not of the kind its platform writes at that path:
    reported by path (422), never read as something else."""

    def __init__(self, path: str, expected: str) -> None:
        self.path = path
        self.expected = expected
        super().__init__(f"{path}: must be {expected}")


@dataclass(frozen=True)
class Mapped:
    config: dict[str, Any]
    unmapped: list[str] = field(default_factory=list)


class Source:
    """A peer's document. `get("model.temperature")` reads a value and marks the path
    used; `unmapped()` lists the highest paths holding something that was never read.
    `ignore` names paths that are the peer's bookkeeping (ids, timestamps), not
    configuration."""

    def __init__(self, data: dict[str, Any], *, ignore: tuple[str, ...] = ()) -> None:
        self.data = data
        self.used: set[str] = set(ignore)

    def _at(self, path: str) -> Any:
        value: Any = self.data
        for part in _parts(path):
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else _MISSING
            else:
                value = value.get(part, _MISSING) if isinstance(value, dict) else _MISSING
            if value is _MISSING:
                break
        return value

    def peek(self, path: str, default: Any = None) -> Any:
        """A value without marking it used (to decide whether it can be carried)."""
        value = self._at(path)
        return default if value is None or value is _MISSING else value

    def items(self, path: str) -> list[tuple[int, Any]]:
        """(index, item) of a list at `path` (none when it is not a list)."""
        value = self.peek(path)
        return list(enumerate(value)) if isinstance(value, list) else []

    def get(self, path: str, default: Any = None) -> Any:
        """A value, marking its path carried over (when the file has it)."""
        value = self._at(path)
        if value is _MISSING:
            return default
        self.used.add(path)
        return default if value is None else value

    def typed(self, path: str, kind: type | tuple[type, ...], expected: str, *, use=True) -> Any:
        """The value at `path` when it is of `kind`, None when the file has none there;
        ShapeError when it holds something else. Marked carried over unless `use` is
        False (a value looked at to decide whether it can be carried)."""
        value = self._at(path)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, kind):
            raise ShapeError(path, expected)
        if use:
            self.used.add(path)
        return value

    def text(self, path: str, *, use: bool = True) -> str | None:
        return self.typed(path, str, "a string", use=use)

    def mapping(self, path: str, *, use: bool = True) -> dict[str, Any]:
        return self.typed(path, dict, "an object", use=use) or {}

    def listing(self, path: str, *, use: bool = True) -> list[Any]:
        return self.typed(path, list, "a list", use=use) or []

    def use(self, path: str) -> None:
        """Mark a path as carried over without reading it (e.g. a value folded into text)."""
        self.used.add(path)

    def unmapped(self) -> list[str]:
        found: list[str] = []
        _walk(self.data, "", self.used, found)
        return found


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return parts


def _meaningful(value: Any) -> bool:
    # Nothing, or a switch left off: nothing is lost by not carrying it over.
    if value is None or value is False or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, dict):
        return any(_meaningful(v) for v in value.values())
    if isinstance(value, list):
        return any(_meaningful(v) for v in value)
    return True


def _walk(value: Any, path: str, used: set[str], found: list[str]) -> None:
    if path in used or not _meaningful(value):
        return
    inside = (
        [u for u in used if u.startswith(path + ".") or u.startswith(path + "[")] if path else used
    )
    if path and not inside:
        found.append(path)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}.{key}" if path else str(key), used, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", used, found)
    else:
        found.append(path)


IDENTIFIER = re.compile(r"[^A-Za-z0-9_]+")


def identifier(name: Any, fallback: str) -> str:
    """A peer's tool or field name as this schema's identifier (`book-slot` → `book_slot`)."""
    text = IDENTIFIER.sub("_", str(name or "")).strip("_")[:64]
    if not text or not (text[0].isalpha() or text[0] == "_"):
        text = f"{fallback}_{text}".strip("_")[:64]
    return text


def clamp(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(max(float(value), low), high)


LLM_PROVIDERS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
    "azure-openai": "azure",
    "azure_openai": "azure",
    "azure": "azure",
}


def llm_provider(provider: Any, model: Any) -> str:
    """This schema's provider for a peer's provider name, or guessed from the model."""
    if isinstance(provider, str) and provider.lower() in LLM_PROVIDERS:
        return LLM_PROVIDERS[provider.lower()]
    name = str(model or "").lower()
    if name.startswith(("gpt", "o1", "o3", "o4")):
        return "openai"
    if name.startswith("claude"):
        return "anthropic"
    if name.startswith("gemini"):
        return "google"
    return "custom"


def object_schema(value: Any) -> dict[str, Any]:
    """A tool's parameters as a JSON Schema object (an empty one when there are none)."""
    if isinstance(value, dict) and value:
        return value
    return {"type": "object", "properties": {}}


def analysis_field(name: Any, spec: dict[str, Any], index: int, path: str) -> dict[str, Any]:
    """A structured-output property (JSON Schema style) at `path` as a call-analysis
    field; ShapeError when its choices are not a list of plain values."""
    if not isinstance(spec, dict):
        raise ShapeError(path, "an object")
    kind = spec.get("type")
    key = "enum" if "enum" in spec else "choices"
    choices = spec.get(key) or []
    if not isinstance(choices, list) or not all(isinstance(c, SCALARS) for c in choices):
        raise ShapeError(f"{path}.{key}", "a list of strings")
    field_ = {
        "name": identifier(name, f"field_{index}"),
        "description": str(spec.get("description") or "")[:2_000],
    }
    if choices:
        field_.update(type="enum", choices=[str(c) for c in dict.fromkeys(choices)][:100])
    elif kind in ("number", "integer"):
        field_["type"] = "number"
    elif kind == "boolean":
        field_["type"] = "boolean"
    else:
        field_["type"] = "string"
    return field_


def unique_names(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool names made distinct (`end_call`, `end_call_2`), as this schema requires."""
    seen: dict[str, int] = {}
    for tool in tools:
        name = tool["name"]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            tool["name"] = f"{name[:60]}_{seen[name]}"
    return tools


def start(
    src: Source, *, prompt: str, welcome: str, model: str, temperature: str
) -> dict[str, Any]:
    """The sections every platform has, read from the paths it keeps them at: the
    system prompt, the first message, the model (its provider guessed from its name)
    and the temperature."""
    config: dict[str, Any] = {"prompt": {}, "llm": {}, "voice": {}, "conversation": {}}
    if text := src.get(prompt):
        config["prompt"]["system_prompt"] = str(text)
    if (first := src.get(welcome)) is not None:
        config["prompt"]["welcome_message"] = str(first)[:2_000]
    if name := src.get(model):
        config["llm"]["model"] = str(name)[:200]
        config["llm"]["provider"] = llm_provider(None, name)
    if (value := clamp(src.get(temperature), 0, 2)) is not None:
        config["llm"]["temperature"] = value
    return config
