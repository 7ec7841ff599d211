"""Agent bundles: an agent as a file, for git and for moving between installations.

A bundle is `{"format": "agent-console/1", "agent", "draft", "versions", "labels",
"releases"}` (API.md, "Config as code"). As YAML its keys keep the bundle's order
and every text of more than one line is a block scalar, so the git diff of two
exports reads line by line like the console's diff.
"""

from __future__ import annotations

from typing import Any

import yaml

from agents.domain.config import content_hash, normalize
from agents.domain.exceptions import ConfigInvalid

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


class _Loader(yaml.SafeLoader):
    """Plain data only: no anchors or aliases (a few lines could otherwise expand into
    gigabytes), and timestamps stay the strings they are written as."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"aliases are not accepted (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def from_yaml(text: str | bytes) -> Any:
    """A YAML document as plain data; ValueError saying where it cannot be read."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"not readable as YAML: {exc}") from None
    except RecursionError:
        raise ValueError("not readable as YAML: it nests too deeply") from None


def check_bundle(raw: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A bundle read for import: its parts normalized, and every problem by path —
    an unknown format, versions out of order, a configuration that is not valid, a
    content hash that does not match its configuration (edited by hand?), a label
    naming a version the bundle does not have."""
    if not isinstance(raw, dict):
        return {}, [{"path": "", "message": "a bundle is an object"}]
    problems: list[dict[str, str]] = []
    if raw.get("format") != FORMAT:
        problems.append({"path": "format", "message": f"must be {FORMAT!r}"})
    agent = raw.get("agent") if isinstance(raw.get("agent"), dict) else {}
    if not isinstance(raw.get("agent"), dict):
        problems.append({"path": "agent", "message": 'an object with the agent\'s "name"'})
    elif not isinstance(agent.get("name"), str) or not agent["name"].strip():
        problems.append({"path": "agent.name", "message": "a name is required"})
    versions = raw.get("versions") if isinstance(raw.get("versions"), list) else None
    if versions is None:
        problems.append({"path": "versions", "message": "a list of versions (may be empty)"})
        versions = []
    cleaned_versions = []
    for index, version in enumerate(versions):
        path = f"versions[{index}]"
        if not isinstance(version, dict):
            problems.append({"path": path, "message": "a version is an object"})
            continue
        if version.get("number") != index + 1:
            problems.append({"path": f"{path}.number", "message": f"must be {index + 1}"})
        try:
            document = normalize(version.get("config"))
        except ConfigInvalid as exc:
            problems += [
                {"path": f"{path}.config.{p['path']}".rstrip("."), "message": p["message"]}
                for p in exc.errors
            ]
            continue
        if content_hash(document) != version.get("content_hash"):
            problems.append(
                {
                    "path": f"{path}.content_hash",
                    "message": "does not match the configuration (was it edited by hand?)",
                }
            )
        cleaned_versions.append({**version, "config": document})
    draft = raw.get("draft") if isinstance(raw.get("draft"), dict) else {}
    try:
        draft_document = normalize(draft.get("config"))
    except ConfigInvalid as exc:
        draft_document = None
        problems += [
            {"path": f"draft.config.{p['path']}".rstrip("."), "message": p["message"]}
            for p in exc.errors
        ]
    labels = raw.get("labels") if isinstance(raw.get("labels"), dict) else {}
    for name, number in labels.items():
        if number is not None and (type(number) is not int or not 1 <= number <= len(versions)):
            problems.append({"path": f"labels.{name}", "message": "names no version of the bundle"})
    cleaned = {
        "agent": {"name": agent.get("name"), "description": agent.get("description") or ""},
        "id": agent.get("id") if isinstance(agent.get("id"), str) else None,
        "versions": cleaned_versions,
        "draft": draft_document,
        "labels": labels,
    }
    return cleaned, problems
