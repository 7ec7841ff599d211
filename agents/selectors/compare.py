"""The two sides of a comparison, and their diff (cached for immutable versions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from agents.domain import references
from agents.domain.diff import Diff, diff
from agents.domain.exceptions import UnknownReference
from agents.models import Agent, PublishedVersion


@dataclass(frozen=True)
class Side:
    """One side of a comparison: `draft`, `released` or a version."""

    label: str  # "Draft", "Released (v3)", "v3"
    ref: str  # canonical URL form: "draft", "released", "3"
    config: dict
    content_hash: str
    version: PublishedVersion | None = None


def compare_side(agent: Agent, ref: str) -> Side:
    """Resolve `draft`, `released`, `3` or `v3`; UnknownReference with a reason otherwise."""
    reference = references.try_parse(ref)
    if reference is None:
        raise UnknownReference(
            f"Unknown side {ref.strip().lower()!r}: use draft, released or a version number."
        )
    if reference.kind == "draft":
        draft = agent.draft
        return Side("Draft", "draft", draft.config, draft.content_hash)
    if reference.kind == "released":
        released = agent.released_version
        if released is None:
            raise UnknownReference("Nothing is released yet.")
        return Side(
            f"Released ({released.label})",
            "released",
            released.config,
            released.content_hash,
            released,
        )
    version = PublishedVersion.objects.filter(agent_id=agent.pk, number=reference.number).first()
    if version is None:
        raise UnknownReference(f"{agent.name} has no version {reference.label}.")
    return Side(version.label, str(version.number), version.config, version.content_hash, version)


def config_diff(old: Side, new: Side) -> Diff:
    """The diff of two sides; diffs of two immutable versions are cached by their hashes."""
    if old.version is None or new.version is None:
        return diff(old.config, new.config)
    key = f"agents:diff:v1:{old.content_hash}:{new.content_hash}"
    found = cache.get(key)
    if found is None:
        found = diff(old.config, new.config)
        cache.set(key, found, timeout=None)
    return found
