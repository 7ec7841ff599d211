"""Assigning a caller to a channel's target exactly as the console does (the
console's README documents the function with test vectors)."""

from __future__ import annotations

import hashlib
import math
from typing import Any


def assign(channel: str, key: str, targets: list[dict[str, Any]]) -> dict[str, Any]:
    """Weighted rendezvous hashing: the same key lands on the same target, each target
    gets its weight's share, and raising one target's weight only moves callers onto
    it. Targets of weight 0 are never chosen."""
    candidates = [target for target in targets if target["weight"] > 0]
    if not candidates:
        raise ValueError("no target has a weight")

    def score(target: dict[str, Any]) -> float:
        text = f"{channel}\x1f{target['variant']}\x1f{key}".encode()
        h = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")
        return -math.log((h + 0.5) / 2**64) / target["weight"]

    return min(candidates, key=score)
