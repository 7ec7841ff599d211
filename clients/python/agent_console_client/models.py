"""What the client answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Source = Literal["network", "memory", "disk"]


@dataclass(frozen=True)
class Resolved:
    """One frozen configuration. `stale` is true when the console could not be asked
    and this is the last configuration known; `source` says where it came from."""

    agent: str
    version: int | str  # a number, "draft", a branch draft ("draft:NAME") or a revision ("r12")
    content_hash: str
    config: dict[str, Any]
    prompts: list[dict[str, Any]] = field(default_factory=list)
    stale: bool = False
    source: Source = "network"


@dataclass
class Conversation:
    """A conversation bound to one configuration. `offline` ones were bound locally
    while the console was away; their `id` is local (`local_…`) until uploaded."""

    id: str
    agent: str
    version: int | str
    config: dict[str, Any]
    channel: str | None = None
    variant: str | None = None
    content_hash: str = ""
    prompts: list[dict[str, Any]] = field(default_factory=list)
    offline: bool = False
    started_at: str = ""
