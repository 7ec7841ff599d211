"""The OpenAPI document says what the server accepts of a request's strings.

No string may hold NUL (nor a lone surrogate: `agents.domain.json_input`), and the
texts people write — names, descriptions, notes, comments, reasons, a channel's
address, a conversation's key — hold no control character either
(`agents.domain.text`). Each plain string of a request body, and each string
query parameter, gets the pattern that says which. Response schemas are left as
they are.
"""

from __future__ import annotations

from typing import Any

from agents.domain.text import CONTROL_CHARS

ANY_TEXT = "^[^\\x00]*$"
# The characters `no_control_chars` refuses. (Lone surrogates are refused too, but
# a pattern cannot say so portably: JavaScript's would refuse every emoji.)
NO_CONTROL_CHARS = "^[^" + CONTROL_CHARS.pattern[1:-1] + "]*$"
TEXT_FIELDS = frozenset(
    {
        "name",
        "description",
        "note",
        "comment",
        "break_glass",
        "gate_override_note",
        "address",
        "key",
    }
)
_CONSTRAINED = ("pattern", "format", "enum", "const")


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _plain_strings(schema: Any, pattern: str = ANY_TEXT) -> None:
    """Add `pattern` to `schema` when it is a plain string, and the right pattern to
    each plain string it holds (properties, items, alternatives), in place."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not any(key in schema for key in _CONSTRAINED):
        schema["pattern"] = pattern
    for name, value in (schema.get("properties") or {}).items():
        _plain_strings(value, NO_CONTROL_CHARS if name in TEXT_FIELDS else ANY_TEXT)
    if isinstance(schema.get("items"), dict):
        _plain_strings(schema["items"])
    for key in ("anyOf", "oneOf", "allOf"):
        for value in schema.get(key) or []:
            _plain_strings(value, pattern)


def document_text_rules(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the text rule stated on request bodies and query parameters."""
    components = document.get("components", {}).get("schemas", {})
    wanted: set[str] = set()
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _plain_strings(
                        parameter.get("schema"),
                        NO_CONTROL_CHARS if parameter.get("name") in TEXT_FIELDS else ANY_TEXT,
                    )
            body = operation.get("requestBody")
            if body:
                for media in body.get("content", {}).values():
                    _plain_strings(media.get("schema"))
                    wanted |= _refs(media.get("schema"))
    seen: set[str] = set()
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        if name in components:
            _plain_strings(components[name])
            wanted |= _refs(components[name])
    return document
