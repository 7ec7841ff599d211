"""Configurations from other voice platforms, mapped onto this one.

Each platform module turns the file a user of that platform actually has into a
configuration document of this console, and says which of the file's fields it
could not carry over (`Source.unmapped`). Pure: no database, no network.
"""

from __future__ import annotations

from typing import Any

from agents.domain.bundles import FORMAT
from agents.domain.peers import elevenlabs, retell, vapi
from agents.domain.peers.source import Mapped, ShapeError

SOURCES = {"vapi": vapi.read, "retell": retell.read, "elevenlabs": elevenlabs.read}
NAMES = {
    "vapi": "Vapi assistant (JSON)",
    "retell": "Retell agent export",
    "elevenlabs": "ElevenLabs agent config",
}


# The keys only each platform's file has at its top, most telling first.
_MARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("elevenlabs", ("conversation_config",)),
    ("retell", ("retellLlmData", "response_engine", "agent_name")),
    ("vapi", ("firstMessage", "transcriber", "firstMessageMode", "analysisPlan")),
)


def detect(data: Any) -> str | None:
    """Which platform wrote `data`: "console" (an export of this console, or
    `{"config": …}`), "vapi", "retell", "elevenlabs", or None when no shape fits."""
    if not isinstance(data, dict):
        return None
    if data.get("format") == FORMAT or set(data) == {"config"}:
        return "console"
    for source, keys in _MARKS:
        if any(key in data for key in keys):
            return source
    model = data.get("model")
    if isinstance(model, dict) and ("messages" in model or "provider" in model):
        return "vapi"  # an assistant with only a model and a voice
    if "config" in data:
        return "console"
    return None


def read(source: str, data: Any) -> Mapped:
    """The mapped configuration and the paths not carried over; ValueError when the
    file is not what that platform writes (ShapeError, naming the path, when one of
    its values is not of the kind that platform writes there)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
    if not isinstance(data, dict):
        raise ValueError("the file must hold a JSON object")
    return SOURCES[source](data)


__all__ = ["NAMES", "SOURCES", "Mapped", "ShapeError", "detect", "read"]
