"""The runtime hot path: resolve a reference to one frozen configuration, fast.

What never moves is cached forever: a version's configuration (by version id)
and the mapping `ag_x@v3` → version. What moves — the released pointer and
the draft — is handled by the kind of cache:

- with a shared cache (Redis), every write refreshes the agent's entries from
  the database after it commits, and readers only ever *add* what they read,
  so a reader that raced a write cannot overwrite the fresher entry: nothing
  stale is served once a release or edit has returned, with 0 SQL queries.
  A refresh that cannot reach Redis is kept in the database (PendingPurge) and
  carried out by the first process that reaches Redis again, restarts included.
- with a per-process cache (local memory), other processes' writes cannot be
  seen, so the pointer (or the draft row) is read on every request: one
  indexed query, and the configuration itself comes from the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from agents.domain import prompts as prompts_domain
from agents.domain.exceptions import AgentNotPublished, InvalidInput, UnknownReference
from agents.domain.references import parse_agent_ref
from agents.models import Agent, Branch, Draft, DraftRevision, Label, PendingPurge, PublishedVersion
from agents.models.runtime import cache_reachable
from agents.models.scoping import current

# Bump when the shape of cached entries changes, so a deploy never reads the old ones.
KEY = "rt2"
FOREVER = None
MOVING_TTL = 3600  # moving entries are refreshed on every write; this only bounds memory


@dataclass(frozen=True)
class Resolved:
    agent: str  # public id
    agent_pk: int
    version: int | str  # number, "draft" or a revision ("r12")
    version_pk: int | None
    content_hash: str
    config: dict[str, Any]
    body: bytes = b""  # the resolve response, encoded once and cached with the rest
    # The linked library prompts as resolved now: [{"prompt", "role", "sort_order",
    # "version", "text"}] in order (empty without links).
    prompts: tuple[dict[str, Any], ...] = ()

    @property
    def etag(self) -> str:
        """The content hash, and the prompt versions when links follow prompts."""
        if not self.prompts:
            return self.content_hash
        versions = ",".join(f"{p['prompt']}:{p['version']}" for p in self.prompts)
        digest = hashlib.sha256(f"{self.content_hash}|{versions}".encode()).hexdigest()
        return f"{self.content_hash[:32]}-{digest[:16]}"


def _encode(
    agent: str, version: int | str, content_hash: str, config: dict, prompts: Any = None
) -> bytes:
    document = {"agent": agent, "version": version, "content_hash": content_hash, "config": config}
    if prompts:
        document["prompts"] = list(prompts)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def shared_cache() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def resolve(ref: str, prefetched: dict | None = None) -> Resolved:
    """`prefetched`: cache entries already read (see prefetch_keys), to spare a round trip.

    A malformed `ref`, or an agent, version or revision that does not exist, raises
    UnknownReference (404 at every edge: a reference either names something or not)."""
    try:
        public_id, reference = parse_agent_ref(ref)
    except InvalidInput as exc:
        raise UnknownReference(exc.errors[0]["message"]) from None
    visible = current().visible
    if visible is not None and workspace_of_agent(public_id) not in visible:
        # The caches hold every workspace's configurations: the scope applies here.
        raise UnknownReference(f"No agent {public_id}.")
    if reference.kind == "draft":
        found = _draft(public_id, prefetched)
    elif reference.kind == "released":
        found = _released(public_id, prefetched)
    elif reference.kind == "revision":
        found = _revision(public_id, reference.number)
    elif reference.kind == "branch":
        found = _branch(public_id, reference.name)
    elif reference.kind == "label":
        found = _label(public_id, reference.name)
    else:
        found = _version(public_id, reference.number)
    return with_prompts(found) if found.config.get("prompt_links") else found


_AGENT_WORKSPACES: dict[str, int] = {}  # an agent never leaves its workspace


def workspace_of_agent(public_id: str) -> int | None:
    """The workspace id of agent `public_id` (read once per process; None: no agent)."""
    found = _AGENT_WORKSPACES.get(public_id)
    if found is None:
        found = (
            Agent._base_manager.filter(public_id=public_id)
            .values_list("workspace_id", flat=True)
            .first()
        )
        if found is not None:
            if len(_AGENT_WORKSPACES) > LOCAL_VERSIONS_MAX:
                _AGENT_WORKSPACES.clear()
            _AGENT_WORKSPACES[public_id] = found
    return found


def with_prompts(resolved: Resolved) -> Resolved:
    """`resolved` with its linked prompts resolved now: a pinned one from the forever
    cache, a followed one through the prompt's released pointer (refreshed when the
    prompt is released, like an agent's)."""
    prompts = tuple(linked_prompts(resolved.config))
    key = (resolved.agent, resolved.version, resolved.content_hash, repr(prompts))
    body = _LINKED_BODIES.get(key)
    if body is None:  # encoded once per configuration and prompt versions, per process
        body = _encode(
            resolved.agent, resolved.version, resolved.content_hash, resolved.config, prompts
        )
        _LINKED_BODIES[key] = body
        if len(_LINKED_BODIES) > LINKED_BODIES_MAX:
            _LINKED_BODIES.popitem(last=False)
    return replace(resolved, body=body, prompts=prompts)


_LINKED_BODIES: OrderedDict[tuple, bytes] = OrderedDict()
LINKED_BODIES_MAX = 256


def linked_prompts(
    config: dict[str, Any], versions: dict[tuple[str, str], int] | None = None
) -> list[dict[str, Any]]:
    """The config's prompt links, in order, with the version each resolves to — the one
    pinned, the one in `versions` (what a conversation started with), or the released
    one — and its text rendered with the link's values."""
    found = []
    links = sorted(config.get("prompt_links") or [], key=lambda k: (k["sort_order"], k["role"]))
    for link in links:
        number = link["version"] or (versions or {}).get((link["prompt"], link["role"]))
        version = _version(link["prompt"], number) if number else _released(link["prompt"])
        found.append(
            {
                "prompt": link["prompt"],
                "role": link["role"],
                "sort_order": link["sort_order"],
                "version": version.version,
                "text": prompts_domain.render(version.config, link["variables"]),
            }
        )
    return found


def prefetch_keys(ref: str | None) -> tuple[str, ...]:
    """The shared-cache key `resolve(ref)` will read first, for a combined fetch."""
    if not ref or not shared_cache():
        return ()
    try:
        public_id, reference = parse_agent_ref(ref)
    except InvalidInput:
        return ()
    kind = {"draft": "draft", "released": "rel"}.get(reference.kind)
    return (f"{KEY}:{kind}:{public_id}",) if kind else ()


# ------------------------------------------------------------------ immutable parts


_LOCAL_VERSIONS: OrderedDict[int, Resolved] = OrderedDict()
LOCAL_VERSIONS_MAX = 2048


def clear_local() -> None:
    """Forget this process's memo of versions (tests reuse primary keys)."""
    _LOCAL_VERSIONS.clear()
    _LINKED_BODIES.clear()


T = TypeVar("T")


def _kept_forever(key: str, load: Callable[[], T]) -> T:
    """What never changes (versions, revisions): from the cache, else loaded and kept."""
    found = cache.get(key)
    if found is None:
        found = load()
        cache.set(key, found, FOREVER)
    return found


def _version_config(version_pk: int) -> Resolved:
    """Everything about a version the runtime needs. Versions never change, so this is
    kept forever: in this process (no round trip, no unpickling), and in the cache."""
    found = _LOCAL_VERSIONS.get(version_pk)
    if found is not None:
        return found

    def load() -> Resolved:
        content_hash, config, number, agent_pk, public_id = PublishedVersion.objects.values_list(
            "content_hash", "config", "number", "agent_id", "agent__public_id"
        ).get(pk=version_pk)
        body = _encode(public_id, number, content_hash, config)
        return Resolved(public_id, agent_pk, number, version_pk, content_hash, config, body)

    found = _kept_forever(f"{KEY}:cfg:{version_pk}", load)
    _LOCAL_VERSIONS[version_pk] = found
    if len(_LOCAL_VERSIONS) > LOCAL_VERSIONS_MAX:
        _LOCAL_VERSIONS.popitem(last=False)
    return found


def _version(public_id: str, number: int) -> Resolved:
    def load() -> tuple[int, int]:
        row = (
            PublishedVersion.objects.filter(agent__public_id=public_id, number=number)
            .values_list("agent_id", "pk")
            .first()
        )
        if row is None:
            raise UnknownReference(f"{public_id} has no version v{number}.")
        return row

    return _version_config(_kept_forever(f"{KEY}:ver:{public_id}:{number}", load)[1])


def _revision(public_id: str, number: int) -> Resolved:
    """Draft revision `rN`: immutable like a version, so cached forever as well."""

    def load() -> Resolved:
        row = (
            DraftRevision.objects.filter(agent__public_id=public_id, number=number)
            .values_list("agent_id", "content_hash", "snapshot__config")
            .first()
        )
        return _frozen_document(public_id, f"r{number}", row, f"revision r{number}")

    return _kept_forever(f"{KEY}:revn:{public_id}:{number}", load)


# ------------------------------------------------------------------ moving parts


def _label(public_id: str, name: str) -> Resolved:
    """A label moves: its pointer is read every time (one indexed query); the version
    it points at comes from the forever cache. Answers name the version (`3`)."""
    with connection.cursor() as cursor:
        cursor.execute(_LABEL_SQL, [public_id, name])
        row = cursor.fetchone()
    if row is None:
        if not Agent.objects.filter(public_id=public_id).exists():
            raise UnknownReference(f"No agent {public_id}.")
        raise UnknownReference(f"{public_id} has no label {name}.")
    return _version_config(row[0])


# The pointer reads run on every request with a per-process cache: plain SQL on
# the primary-key and unique indexes, spared the ORM's query compilation.
_AGENT = Agent._meta.db_table
_VERSION = PublishedVersion._meta.db_table
_DRAFT = Draft._meta.db_table
_POINTER_SQL = f"SELECT id, released_version_id FROM {_AGENT} WHERE public_id = %s"
_LABEL_SQL = (
    f"SELECT l.version_id FROM {Label._meta.db_table} l "
    f"JOIN {_AGENT} a ON a.id = l.agent_id WHERE a.public_id = %s AND l.name = %s"
)
_DRAFT_SQL = (
    f"SELECT a.id, d.content_hash, d.config FROM {_AGENT} a "
    f"JOIN {_DRAFT} d ON d.agent_id = a.id WHERE a.public_id = %s"
)


def _fetch_one(sql: str, public_id: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, [public_id])
        row = cursor.fetchone()
    if row is None:
        raise UnknownReference(f"No agent {public_id}.")
    return row


def _released_entry(public_id: str) -> tuple[int, int | None]:
    """(agent id, released version id or None): the released pointer, small to cache."""
    agent_pk, version_pk = _fetch_one(_POINTER_SQL, public_id)
    return agent_pk, version_pk


def _draft_entry(public_id: str) -> Resolved:
    agent_pk, content_hash, config = _fetch_one(_DRAFT_SQL, public_id)
    if isinstance(config, str):  # SQLite returns JSON columns as text
        config = json.loads(config)
    body = _encode(public_id, "draft", content_hash, config)
    return Resolved(public_id, agent_pk, "draft", None, content_hash, config, body)


_LOADERS = {"rel": _released_entry, "draft": _draft_entry}


def _moving(kind: str, public_id: str, prefetched: dict | None = None):
    if not shared_cache():
        return _LOADERS[kind](public_id)
    key = f"{KEY}:{kind}:{public_id}"
    entry = prefetched.get(key) if prefetched else None
    if entry is None:
        entry = cache.get(key)
    if entry is None:
        entry = _LOADERS[kind](public_id)
        # add, not set: if a write refreshed the entry after this read began,
        # the fresher value stays.
        cache.add(key, entry, MOVING_TTL)
    return entry


def refresh(public_id: str) -> None:
    """After a write commits: put the agent's current pointer and draft in the shared cache.

    Readers only ever `add`, and this reads the database after the commit, so a
    reader that raced the write cannot leave a stale entry behind.
    """
    if not shared_cache():
        return
    keys = []
    for kind, loader in _LOADERS.items():
        keys.append(key := f"{KEY}:{kind}:{public_id}")
        try:
            cache.set(key, loader(public_id), MOVING_TTL)
        except UnknownReference:
            cache.delete(key)
    if not cache_reachable():  # kept where every node (and a restart) finds them
        PendingPurge.objects.remember(keys)


def refresh_on_commit(public_id: str) -> None:
    transaction.on_commit(lambda: refresh(public_id))


def _released(public_id: str, prefetched: dict | None = None) -> Resolved:
    _agent_pk, version_pk = _moving("rel", public_id, prefetched)
    if version_pk is None:
        raise AgentNotPublished(f"{public_id} has no released version yet.")
    return _version_config(version_pk)


def _draft(public_id: str, prefetched: dict | None = None) -> Resolved:
    return _moving("draft", public_id, prefetched)


def _branch(public_id: str, name: str) -> Resolved:
    """A branch's draft (`draft:NAME`): read each time (branches are for trying changes
    in the playground and evals, not for serving production)."""
    row = (
        Branch.objects.filter(agent__public_id=public_id, name=name, deleted_at__isnull=True)
        .values_list("agent_id", "content_hash", "config")
        .first()
    )
    return _frozen_document(public_id, f"draft:{name}", row, f"branch draft:{name}")


def _frozen_document(public_id: str, label: str, row: tuple | None, what: str) -> Resolved:
    """A revision's or a branch's document as resolved under `label`, from its row
    (agent pk, content hash, config); UnknownReference naming what is missing."""
    if row is None:
        if not Agent.objects.filter(public_id=public_id).exists():
            raise UnknownReference(f"No agent {public_id}.")
        raise UnknownReference(f"{public_id} has no {what}.")
    agent_pk, content_hash, config = row
    body = _encode(public_id, label, content_hash, config)
    return Resolved(public_id, agent_pk, label, None, content_hash, config, body)
