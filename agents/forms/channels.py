"""The channel form: name, kind, address, agent, a target and up to four variants."""

from __future__ import annotations

from typing import Any

from agents.domain.exceptions import InvalidInput
from agents.domain.routing import parse_target_label, target_label
from agents.selectors import labels, versions

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


def target_choices(agent, current: list[str]) -> list[tuple[str, str]]:
    """What a channel (or a variant) may be routed to, as (value, what a person reads):
    released and the draft, the agent's labels and versions; `current` values the
    lists do not hold (typed before the agent changed) are kept so nothing is lost."""
    choices = [("released", "Released"), ("draft", "Draft")]
    if agent is not None:
        for view in labels.labels_of(agent):
            if view.name != "released" and view.version is not None:
                choices.append((view.name, f"{view.name} (now {view.version.label})"))
        choices += [
            (version.label, f"{version.label} · {version.name}")
            for version in versions.version_list(agent)
        ]
    known = {value for value, _label in choices}
    for value in current:
        if value and value not in known:
            known.add(value)
            choices.append((value, value))
    return choices


def placed_errors(errors: dict[str, str], rows: list[dict[str, Any]]) -> dict[str, str]:
    """The service's routing problems beside the inputs they are about: a total that is
    not 100 on the weights, repeated targets on the targets, a row's own problem on
    that row (`variants[1].weight` is the second filled row)."""
    placed = dict(errors)
    message = placed.pop("variants", "")
    if "weight" in message:
        placed["weights"] = message
    elif message:
        placed["targets"] = message
    filled = [i for i, row in enumerate(rows) if row["target"]]
    for path in [key for key in placed if key.startswith("variants[")]:
        index, _, part = path.removeprefix("variants[").partition("]")
        if index.isdigit() and int(index) < len(filled):
            field = "weight" if "weight" in part else "target"
            placed[f"variant-{filled[int(index)]}-{field}"] = placed.pop(path)
    return placed


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
