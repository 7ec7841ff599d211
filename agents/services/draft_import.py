"""Importing a configuration into an agent's draft: this console's own `{"config"}`, or
a file from another platform (`source=vapi|retell|elevenlabs`) mapped onto it.

A dry run writes nothing and answers what would change; without it the draft
becomes the imported configuration (a revision like any edit, If-Match honoured).
Sections the file does not speak of take their defaults, as with `PUT /draft`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.domain import documents, peers
from agents.domain.bundles import FORMAT
from agents.domain.diff import Diff, diff
from agents.domain.exceptions import ConfigInvalid, InvalidInput
from agents.domain.peers.source import ShapeError
from agents.models import Agent, Draft
from agents.services.audit import audited
from agents.services.base import User, check_revision
from agents.services.drafts import replace_draft

SOURCES = ("console", *peers.SOURCES)


@dataclass
class DraftImport:
    config: dict[str, Any]
    changes: Diff
    unmapped: list[str] = field(default_factory=list)
    draft: Draft | None = None  # the written draft; None on a dry run


def read_import(*, agent: Agent, data: Any, source: str = "console") -> tuple[dict, list[str]]:
    """The normalized configuration a file holds for `agent`, and what was not carried
    over; InvalidInput by path when it cannot be read."""
    if source not in SOURCES:
        raise InvalidInput([{"path": "source", "message": f"must be one of {', '.join(SOURCES)}"}])
    if source == "console":
        raw, unmapped, prefix = _console_config(data), [], "config"
    elif agent.kind != Agent.Kind.AGENT:
        raise InvalidInput([{"path": "source", "message": "files of other platforms are agents"}])
    else:
        try:
            mapped = peers.read(source, data)
        except ShapeError as exc:  # a value not of the kind the platform writes there
            raise InvalidInput([{"path": exc.path, "message": f"must be {exc.expected}"}]) from None
        except ValueError as exc:
            raise InvalidInput([{"path": "", "message": str(exc)}]) from None
        raw, unmapped, prefix = mapped.config, mapped.unmapped, ""
    try:
        return documents.of(agent.kind).normalize(raw), unmapped
    except ConfigInvalid as exc:
        raise InvalidInput(
            [
                {"path": ".".join(p for p in (prefix, e["path"]) if p), "message": e["message"]}
                for e in exc.errors
            ]
        ) from None


def _console_config(data: Any) -> Any:
    """`{"config": ...}`, or an exported bundle (its draft) as the console's upload takes."""
    if isinstance(data, dict) and data.get("format") == FORMAT:
        draft = data.get("draft")
        return draft.get("config") if isinstance(draft, dict) else None
    if not isinstance(data, dict) or "config" not in data:
        raise InvalidInput([{"path": "config", "message": 'send {"config": {...}}'}])
    return data["config"]


@audited("draft.import", subject_arg="agent")
def import_draft(
    *,
    agent: Agent,
    data: Any,
    user: User,
    source: str = "console",
    dry_run: bool = False,
    expected_revision: int | None = None,
) -> DraftImport:
    """What importing `data` into the draft changes; written unless `dry_run`.

    A stale `expected_revision` is a DraftConflict on a dry run too, so the diff a
    caller confirms is the diff of the draft they saw."""
    config, unmapped = read_import(agent=agent, data=data, source=source)
    draft = Draft.objects.get(agent=agent)
    check_revision(draft, expected_revision)
    changes = diff(draft.config, config)
    if dry_run:
        return DraftImport(config=config, changes=changes, unmapped=unmapped)
    written = replace_draft(
        agent=agent,
        document=config,
        user=user,
        expected_revision=expected_revision,
        reason=f"Imported ({source})" if source != "console" else "Imported",
    )
    return DraftImport(config=config, changes=changes, unmapped=unmapped, draft=written)
