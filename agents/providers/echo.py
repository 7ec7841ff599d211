"""The offline provider: deterministic replies built from the configuration and the input."""

from __future__ import annotations

import json
import re
import time
import zlib
from typing import Any

from agents.providers.base import Completion, Message, conversation, count_tokens, offered_tools


class EchoProvider:
    name = "echo"

    def complete(self, *, config: dict[str, Any], messages: list[Message]) -> Completion:
        started = time.perf_counter()
        user_turns = [m for m in messages if m.role == "user"]
        if not user_turns:
            text = config.get("prompt", {}).get("welcome_message", "")
        elif config.get("output_schema"):
            # Agents that answer in structured form: a minimal document of that shape.
            text = json.dumps(example_for(config["output_schema"], user_turns[-1].content))
        else:
            tools = [t["function"]["name"] for t in offered_tools(config)]
            said = user_turns[-1].content
            text = f"You said: {said}"
            system_prompt = config.get("prompt", {}).get("system_prompt", "")
            if instruction := instruction_for(system_prompt, said):
                text += f" — {instruction}"
            if tools:
                text += f" (tools available: {', '.join(tools)})"
        prompt = " ".join(m["content"] for m in conversation(config, messages))
        return Completion(
            text=text,
            provider=self.name,
            model=config.get("llm", {}).get("model", ""),
            latency_ms=(time.perf_counter() - started) * 1000,
            prompt_tokens=count_tokens(prompt),
            completion_tokens=count_tokens(text),
        )


def example_for(schema: Any, text: str) -> Any:
    """A small document valid against common JSON Schemas: required properties filled
    with the schema's first enum value, const, default or a value of its type."""
    if not isinstance(schema, dict):
        return text
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = schema.get("required", list(properties))
        return {name: example_for(properties.get(name, {}), text) for name in required}
    if kind == "array":
        return [example_for(schema.get("items", {}), text)] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if isinstance(low, int | float) and isinstance(high, int | float) and high > low:
            # Bounded (a score, a rating): a value between, steady for the same input.
            share = zlib.crc32(text.encode()) % 101 / 100
            value = low + (high - low) * share
            return round(value) if kind == "integer" else round(value, 2)
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return text[: schema.get("maxLength", len(text))]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 6}


def instruction_for(system_prompt: str, said: str) -> str:
    """The first sentence of the system prompt sharing a word (6+ letters) with what the
    user said: how the echo provider lets a prompt change show in its replies."""
    words = _words(said)
    if not words:
        return ""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", system_prompt):
        if words & _words(sentence):
            return sentence.strip()
    return ""
