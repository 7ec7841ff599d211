"""Agent bundles: an agent as a file, for git and for moving between installations.

A bundle is `{"format": "agent-console/1", "agent", "draft", "versions", "labels",
"releases"}` (API.md, "Config as code"). As YAML its keys keep the bundle's order
and every text of more than one line is a block scalar, so the git diff of two
exports reads line by line like the console's diff.
"""

from __future__ import annotations

from typing import Any

import yaml

FORMAT = "agent-console/1"


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text; no aliases (a bundle is a plain tree)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A block scalar cannot carry a line's trailing spaces reliably: those stay quoted.
    lines = value.split("\n")
    if len(lines) > 1 and all(line == line.rstrip() for line in lines):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def to_yaml(bundle: dict[str, Any]) -> str:
    """The bundle as YAML, in its own key order, unicode kept as written."""
    return yaml.dump(
        bundle, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
