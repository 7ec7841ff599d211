"""The runtime hot path: resolve a reference to one frozen configuration, fast.

What never moves is cached forever: a version's configuration (by version id)
and the mapping `ag_x@v3` → version. What moves — the released pointer and
the draft — is handled by the kind of cache:

- with a shared cache (Redis), entries are keyed by a per-agent *generation*
  that every write replaces after it commits. A reader that raced the write
  stored its entry under the old generation, which nobody reads again, so
  nothing stale is served once a release or edit has returned: 0 SQL queries
  on a hit.
- with a per-process cache (local memory), other processes' writes cannot be
  seen, so the pointer (or the draft row) is read on every request: one
  indexed query, and the configuration itself comes from the cache.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from agents.exceptions import AgentNotPublished, InvalidInput
from agents.models import Agent, Draft, PublishedVersion

FOREVER = None
REF = re.compile(r"^(?P<agent>ag_[a-z2-7]{10})(?:@(?P<spec>draft|released|v?\d{1,9}))?$")


class UnknownReference(LookupError):
    """The agent or version a reference names does not exist."""


@dataclass(frozen=True)
class Resolved:
    agent: str  # public id
    agent_pk: int
    version: int | str  # number or "draft"
    version_pk: int | None
    content_hash: str
    config: dict[str, Any]


def shared_cache() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def parse_ref(ref: str) -> tuple[str, str]:
    match = REF.match(ref.strip())
    if not match:
        raise InvalidInput(
            [{"path": "ref", "message": "use ag_xxx, ag_xxx@released, ag_xxx@draft or ag_xxx@v3"}]
        )
    return match["agent"], (match["spec"] or "released").removeprefix("v")


def resolve(ref: str) -> Resolved:
    public_id, spec = parse_ref(ref)
    if spec == "draft":
        return _draft(public_id)
    if spec == "released":
        return _released(public_id)
    return _version(public_id, int(spec))


# ------------------------------------------------------------------ immutable parts


def _version_config(version_pk: int) -> tuple[str, dict[str, Any]]:
    key = f"rt:cfg:{version_pk}"
    found = cache.get(key)
    if found is None:
        row = PublishedVersion.objects.values_list("content_hash", "config").get(pk=version_pk)
        found = (row[0], row[1])
        cache.set(key, found, FOREVER)
    return found


def _version(public_id: str, number: int) -> Resolved:
    key = f"rt:ver:{public_id}:{number}"
    found = cache.get(key)
    if found is None:
        row = (
            PublishedVersion.objects.filter(agent__public_id=public_id, number=number)
            .values_list("agent_id", "pk")
            .first()
        )
        if row is None:
            raise UnknownReference(f"{public_id} has no version v{number}.")
        found = row
        cache.set(key, found, FOREVER)
    agent_pk, version_pk = found
    content_hash, config = _version_config(version_pk)
    return Resolved(public_id, agent_pk, number, version_pk, content_hash, config)


# ------------------------------------------------------------------ moving parts


def _generation(public_id: str) -> str:
    key = f"rt:gen:{public_id}"
    generation = cache.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, FOREVER)
        generation = cache.get(key)
    return generation


def invalidate(public_id: str) -> None:
    """Forget the moving parts of an agent (after its release pointer or draft changed)."""
    if shared_cache():
        cache.set(f"rt:gen:{public_id}", uuid.uuid4().hex, FOREVER)


def invalidate_on_commit(public_id: str) -> None:
    transaction.on_commit(lambda: invalidate(public_id))


def _released_pointer(public_id: str) -> tuple[int, int | None, int | None]:
    row = (
        Agent.objects.filter(public_id=public_id)
        .order_by()
        .values_list("pk", "released_version_id", "released_version__number")
        .first()
    )
    if row is None:
        raise UnknownReference(f"No agent {public_id}.")
    return row


def _released(public_id: str) -> Resolved:
    if shared_cache():
        key = f"rt:rel:{public_id}:{_generation(public_id)}"
        pointer = cache.get(key)
        if pointer is None:
            pointer = _released_pointer(public_id)
            cache.set(key, pointer, 3600)
    else:
        pointer = _released_pointer(public_id)
    agent_pk, version_pk, number = pointer
    if version_pk is None:
        raise AgentNotPublished(f"{public_id} has no released version yet.")
    content_hash, config = _version_config(version_pk)
    return Resolved(public_id, agent_pk, number, version_pk, content_hash, config)


def _draft_row(public_id: str) -> tuple[int, str, dict[str, Any]]:
    row = (
        Draft.objects.filter(agent__public_id=public_id)
        .values_list("agent_id", "content_hash", "config")
        .first()
    )
    if row is None:
        raise UnknownReference(f"No agent {public_id}.")
    return row


def _draft(public_id: str) -> Resolved:
    if shared_cache():
        key = f"rt:draft:{public_id}:{_generation(public_id)}"
        row = cache.get(key)
        if row is None:
            row = _draft_row(public_id)
            cache.set(key, row, 3600)
    else:
        row = _draft_row(public_id)
    agent_pk, content_hash, config = row
    return Resolved(public_id, agent_pk, "draft", None, content_hash, config)
