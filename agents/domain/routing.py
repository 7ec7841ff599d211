"""Channel targets and sticky A/B assignment (pure: no database).

A channel sends its traffic to one target — `"released"`, `"draft"`,
`{"version": N}` or `{"label": "staging"}` (following the label as it moves) —
or splits it between variants `[{"target", "weight"}]`
with integer weights summing to 100.

Assignment is weighted rendezvous hashing: for each arm, a key gets the score
`-ln(u) / weight` with `u` uniform from a hash of (channel, arm, key), and the
lowest score wins. The same key always lands on the same arm without storing
anything; each arm's share is its weight; and raising one arm's weight only
lowers that arm's scores, so no key ever leaves the arm that grew.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.domain import references
from agents.domain.config import error_path
from agents.domain.exceptions import InvalidInput
from agents.domain.json_input import WholeInt

# The wire form of a target and a variant. The API documents these very
# models, so their names are the OpenAPI components clients already know.


class VersionTargetIO(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    version: WholeInt = Field(..., ge=1)


class LabelTargetIO(BaseModel):
    """Follow one of the agent's labels (`staging`) wherever it is moved."""

    model_config = ConfigDict(extra="forbid", strict=True)
    label: str = Field(..., pattern=references.LABEL_NAME.pattern)

    @field_validator("label")
    @classmethod
    def _a_label(cls, name: str) -> str:
        if not references.is_label_name(name):
            raise ValueError(f"{name!r} cannot be a label name")
        return name


TargetIO = Literal["released", "draft"] | VersionTargetIO | LabelTargetIO


class VariantIO(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    target: TargetIO
    weight: WholeInt = Field(..., ge=1, le=100)


class Routing(BaseModel):
    """Where a channel's traffic goes."""

    model_config = ConfigDict(extra="forbid")
    target: TargetIO = "released"
    variants: Annotated[list[VariantIO], Field(min_length=2, max_length=10)] | None = None

    @field_validator("variants")
    @classmethod
    def _weights_sum_to_100(cls, variants: list[VariantIO] | None) -> list[VariantIO] | None:
        if variants is None:
            return None
        total = sum(v.weight for v in variants)
        if total != 100:
            raise ValueError(f"weights must sum to 100 (they sum to {total})")
        labels = [target_label(v.target) for v in variants]
        if len(set(labels)) != len(labels):
            raise ValueError("each variant must have a different target")
        return variants


def target_label(target: Any) -> str:
    """`released`, `draft` or `v3`: how a target is named in paths, refs and assignment."""
    return references.Reference.of_target(target).label


def target_ref(agent_public_id: str, target: Any) -> str:
    """The runtime reference (`ag_x@v3`) a target resolves through."""
    return references.agent_ref(agent_public_id, references.Reference.of_target(target))


def parse_routing(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate a channel's target and variants; return their JSON form or raise InvalidInput."""
    try:
        routing = Routing.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            [
                {
                    "path": error_path(e["loc"]),
                    "message": e["msg"].removeprefix("Value error, "),
                }
                for e in exc.errors(include_url=False)
            ]
        ) from None
    return routing.model_dump(mode="json")


def targets_of(routing: dict[str, Any]) -> list[Any]:
    """Every target a routing sends traffic to: the variants' when it splits, else its own."""
    if routing.get("variants"):
        return [v["target"] for v in routing["variants"]]
    return [routing["target"]]


def _targets(routing: dict[str, Any]) -> list[Any]:
    return [routing["target"], *(v["target"] for v in routing.get("variants") or [])]


def versions_named(routing: dict[str, Any]) -> set[int]:
    """Every version number a routing pins (they must belong to the channel's agent)."""
    return {t["version"] for t in _targets(routing) if isinstance(t, dict) and "version" in t}


def labels_named(routing: dict[str, Any]) -> set[str]:
    """Every label a routing follows (each must be one of the channel's agent's)."""
    return {t["label"] for t in _targets(routing) if isinstance(t, dict) and "label" in t}


# The assignment as a client reimplements it (`GET /channels/{id}/routing` gives it
# with the targets; the README has test vectors).
RULE = {
    "hash": "BLAKE2b with an 8-byte digest of the UTF-8 text "
    "`<channel id>\\x1f<variant>\\x1f<key>`, read as a big-endian unsigned integer h",
    "score": "-ln((h + 0.5) / 2**64) / weight",
    "pick": "the target with the lowest score; on a tie, the earlier one",
    "no_key": "a random key (the caller is not sticky)",
    "one_target": "a channel that does not split sends every caller to its one target",
}


def assign(channel_id: str, key: str | None, variants: list[dict[str, Any]]) -> int:
    """The index of the variant a conversation key belongs to; no key: a random one."""
    if not key:
        key = secrets.token_hex(16)
    best, best_score = 0, math.inf
    for index, variant in enumerate(variants):
        digest = hashlib.blake2b(
            f"{channel_id}\x1f{target_label(variant['target'])}\x1f{key}".encode(),
            digest_size=8,
        ).digest()
        uniform = (int.from_bytes(digest, "big") + 0.5) / 2**64
        score = -math.log(uniform) / variant["weight"]
        if score < best_score:
            best, best_score = index, score
    return best


def parse_target_label(label: str) -> Any:
    """`released`, `draft`, `v3` or `3` as typed in the console -> a target."""
    found = references.try_parse(label)
    if found is None or found.number == 0:
        return (label or "").strip().lower()  # parse_routing reports it with its path
    return found.as_target()


def describe(target: Any, variants: list[dict[str, Any]] | None) -> str:
    """`Released`, `v3`, or `Released 80% · v2 20%`, for lists and panels."""

    def name(t: Any) -> str:
        label = target_label(t)
        return label.capitalize() if label in ("released", "draft") else label

    if variants:
        return " · ".join(f"{name(v['target'])} {v['weight']}%" for v in variants)
    return name(target)


def usage(
    channels,
    *,
    version_number: int,
    released_number: int | None,
    labels: dict[str, int] | None = None,
) -> list[str]:
    """How each channel uses a version: `Main line`, `AB widget 20%` (through
    `released` or a label it follows too; `labels` maps label names to numbers)."""
    labels = labels or {}
    used = []
    for channel in channels:
        arms = channel.variants or [{"target": channel.target, "weight": 100}]
        share = 0
        for arm in arms:
            target = arm["target"]
            pinned = isinstance(target, dict) and target.get("version") == version_number
            via_release = target == "released" and released_number == version_number
            via_label = (
                isinstance(target, dict) and labels.get(target.get("label")) == version_number
            )
            if pinned or via_release or via_label:
                share += arm["weight"]
        if share:
            used.append(channel.name if share == 100 else f"{channel.name} {share}%")
    return used
