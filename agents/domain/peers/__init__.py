"""Configurations from other voice platforms, mapped onto this one.

Each platform module turns the file a user of that platform actually has into a
configuration document of this console, and says which of the file's fields it
could not carry over (`Source.unmapped`). Pure: no database, no network.
"""

from __future__ import annotations

from typing import Any

from agents.domain.peers import elevenlabs, retell, vapi
from agents.domain.peers.source import Mapped

SOURCES = {"vapi": vapi.read, "retell": retell.read, "elevenlabs": elevenlabs.read}
NAMES = {
    "vapi": "Vapi assistant (JSON)",
    "retell": "Retell agent export",
    "elevenlabs": "ElevenLabs agent config",
}


def read(source: str, data: Any) -> Mapped:
    """The mapped configuration and the paths not carried over; ValueError when the
    file is not what that platform writes."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
    if not isinstance(data, dict):
        raise ValueError("the file must hold a JSON object")
    return SOURCES[source](data)


__all__ = ["NAMES", "SOURCES", "Mapped", "read"]
