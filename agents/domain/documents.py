"""The two kinds of versioned document, and what the versioning core needs of each.

Agents and library prompts share drafts, revisions, versions, releases, labels,
requests, restore and diff; only the document differs. Services look the kind's
rules up here (`of(agent.kind)`) instead of asking which kind they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.domain import config, prompts


@dataclass(frozen=True)
class DocumentKind:
    name: str  # "agent" | "prompt"
    prefix: str  # of public ids: "ag" | "pr"
    noun: str  # in messages: "agent" | "prompt"
    schema_version: int
    normalize: Callable[[Any], dict[str, Any]]
    default: Callable[[], dict[str, Any]]
    upgrade: Callable[[dict[str, Any], int], dict[str, Any]]


AGENT = DocumentKind(
    "agent",
    "ag",
    "agent",
    config.SCHEMA_VERSION,
    config.normalize,
    config.default_config,
    config.upgrade,
)
PROMPT = DocumentKind(
    "prompt",
    "pr",
    "prompt",
    prompts.SCHEMA_VERSION,
    prompts.normalize,
    prompts.default_document,
    prompts.upgrade,
)
KINDS = {kind.name: kind for kind in (AGENT, PROMPT)}


def of(kind: str) -> DocumentKind:
    return KINDS[kind]
