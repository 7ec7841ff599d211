"""The channel form: name, kind, address, agent, a target and up to four variants."""

from __future__ import annotations

from typing import Any

from agents.domain.exceptions import InvalidInput
from agents.domain.routing import parse_target_label, target_label

VARIANT_ROWS = 4


def _int(value: Any, default: Any = None) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def form_values(post) -> dict[str, Any]:
    """The channel form as typed (targets as `released`, `draft` or `v3`)."""
    rows = [
        {
            "target": post.get(f"variant-{i}-target", "").strip(),
            "weight": post.get(f"variant-{i}-weight", "").strip(),
        }
        for i in range(VARIANT_ROWS)
    ]
    return {
        "name": post.get("name", ""),
        "kind": post.get("kind", ""),
        "address": post.get("address", ""),
        "agent": post.get("agent", ""),
        "target": post.get("target", "released").strip() or "released",
        "rows": rows,
    }


def changes(values: dict[str, Any], agent) -> dict[str, Any]:
    """What the typed form asks create_channel/update_channel for (`agent` looked up)."""
    variants = [
        {"target": parse_target_label(row["target"]), "weight": _int(row["weight"], row["weight"])}
        for row in values["rows"]
        if row["target"]
    ]
    target = parse_target_label(values["target"])
    if variants and target != "released":
        # With variants the split decides; a target chosen as well would be ignored.
        raise InvalidInput(
            [
                {
                    "path": "target",
                    "message": f"an A/B split decides where traffic goes, so “{values['target']}” "
                    "would be ignored: choose Released here, or clear the variants",
                }
            ]
        )
    return {
        "name": values["name"],
        "kind": values["kind"],
        "address": values["address"],
        "agent": agent,
        "target": target,
        "variants": variants or None,
    }


def initial_values(channel) -> dict[str, Any]:
    """A stored channel as the form shows it."""
    variants = channel.variants or []
    rows = [{"target": target_label(v["target"]), "weight": str(v["weight"])} for v in variants]
    rows += [{"target": "", "weight": ""}] * (VARIANT_ROWS - len(rows))
    return {
        "name": channel.name,
        "kind": channel.kind,
        "address": channel.address,
        "agent": channel.agent.public_id,
        "target": target_label(channel.target),
        "rows": rows,
    }
