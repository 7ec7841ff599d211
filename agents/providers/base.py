"""The provider interface, shared types and the tools an agent offers a model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str
    model: str
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


class ProviderError(Exception):
    """A provider failed; `code` is configuration | timeout | http_error | bad_response."""

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class Provider(Protocol):
    name: str

    def complete(self, *, config: dict[str, Any], messages: list[Message]) -> Completion: ...


def offered_tools(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The agent's tools as OpenAI-style function definitions (names, descriptions, schemas)."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool["name"],
                "description": tool.get("description", ""),
                "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
            },
        }
        for tool in config.get("tools", [])
    ]


def conversation(config: dict[str, Any], messages: list[Message]) -> list[dict[str, str]]:
    """The messages a model sees: the agent's system prompt first."""
    system = config.get("prompt", {}).get("system_prompt", "")
    head = [{"role": "system", "content": system}] if system else []
    return head + [{"role": m.role, "content": m.content} for m in messages]


def count_tokens(text: str) -> int:
    """A rough, deterministic token count (words and punctuation) for offline use."""
    return len(text.split())
