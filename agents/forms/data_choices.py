"""Selects whose choices are data, not schema: a prompt link's prompt (the library)
and its version (that prompt's versions, or follow the released one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.selectors.prompts import LinkChoices


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def options(source: str, value: Any, row: dict[str, Any], choices: LinkChoices) -> list[Option]:
    """A data-driven select's options; what the document holds is always among them
    (marked when the library does not know it) so that nothing is lost on a save."""
    current = "" if value is None else str(value)
    if source == "prompts":
        found = [Option("", "Choose a prompt")] + [
            Option(public_id, f"{name} ({public_id})") for public_id, name in choices.prompts
        ]
        missing = f"{current} (not in the library)"
    else:
        versions = choices.versions.get(str(row.get("prompt") or ""), [])
        found = [Option("", "Follow released")] + [
            Option(str(number), f"v{number} · {name}") for number, name in versions
        ]
        missing = f"v{current} (not a version of this prompt)"
    if current and all(option.value != current for option in found):
        found.append(Option(current, missing))
    return found
