"""The runtime client: answers from memory while the stream keeps it current, from the
last known configuration while the console is away, and never waits on the console
for a call it can serve itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import urllib.parse
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from agent_console_client.errors import AgentConsoleError, Refused, Unauthorized, Unavailable
from agent_console_client.models import Conversation, Resolved
from agent_console_client.routing import assign
from agent_console_client.store import Store
from agent_console_client.transport import Transport

logger = logging.getLogger("agent_console_client")

RECONNECT_MAX_S = 5.0


def _agent_of(ref: str) -> str:
    return ref.split("@", 1)[0]


class Client:
    """`Client(base_url, token, cache_dir=None, stream=True, timeout=2.0)`.

    - `resolve(ref)`: a configuration; from memory with no request while the stream
      is connected (a pushed change refetches what it touches), from the network
      otherwise, and, when the console cannot be reached, the last one known
      (`stale=True`, from memory or from `cache_dir`) — it never raises while one is
      known.
    - `start_conversation(channel=…|agent=…, key=…)`: binds a conversation on the
      console; when the console cannot be reached, binds it locally to what the
      console would have chosen (`offline=True`) and uploads it later.
    - `end_conversation(conversation, outcome, **metrics)`: ends it, or queues the end.
    - `pending_uploads`: how many conversations and ends wait for the console.

    The stream runs on a daemon thread; without it (`stream=False`, or while it
    cannot connect) the client polls `GET /changes` every `poll_interval` seconds
    to keep what it holds current. Use it as a context manager, or call `close()`.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        cache_dir: str | None = None,
        stream: bool = True,
        timeout: float = 2.0,
        poll_interval: float = 2.0,
    ):
        self._transport = Transport(base_url, token, timeout)
        self._store = Store(cache_dir)
        self._poll_interval = poll_interval
        self._lock = threading.RLock()
        self._memory: dict[str, Resolved] = {}
        self._etags: dict[str, str] = {}
        self._routing: dict[str, dict[str, Any]] = {}
        self._fresh: set[str] = set()  # refs and channels known current
        self._generation: dict[str, int] = {}  # per agent: bumped by each change
        self._pending: dict[str, dict[str, Any]] = {
            record["id"]: record for record in self._store.all("pending")
        }
        self.failed_uploads: list[dict[str, Any]] = []
        self.uploaded: dict[str, str] = {}  # local id → the console's id
        self.last_seq: int | None = None
        self.following: str = "no"  # "stream", "polling", or "no"
        self._closed = threading.Event()
        self._upload_lock = threading.Lock()
        self._stream = stream
        self._thread = threading.Thread(target=self._follow, name="agent-console", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ resolve

    def resolve(self, ref: str) -> Resolved:
        with self._lock:
            known = self._memory.get(ref)
            if known is not None and ref in self._fresh:
                return known if known.source == "memory" else replace(known, source="memory")
        try:
            return self._fetch(ref, known)
        except Unavailable:
            last = self._last_known(ref)
            if last is None:
                raise
            return last

    def _last_known(self, ref: str) -> Resolved | None:
        """The last configuration known for `ref`, marked stale: from memory, or from
        `cache_dir` (written by this process or an earlier one)."""
        with self._lock:
            known = self._memory.get(ref)
        if known is not None:
            return replace(known, stale=True, source="memory")
        saved = self._store.read("resolved", ref)
        if saved is None:
            return None
        found = Resolved(**saved["resolved"])
        with self._lock:
            self._memory.setdefault(ref, replace(found, source="memory"))
            self._etags.setdefault(ref, saved.get("etag", ""))
        return replace(found, stale=True, source="disk")

    def _fetch(self, ref: str, known: Resolved | None) -> Resolved:
        agent = _agent_of(ref)
        with self._lock:
            generation = self._generation.get(agent, 0)
            etag = self._etags.get(ref) if known is not None else None
        headers = {"If-None-Match": etag} if etag else None
        answer = self._transport.call(
            "GET", f"/resolve/{urllib.parse.quote(ref, safe='@')}", headers=headers
        )
        if answer.status == 304 and known is not None:
            found = replace(known, stale=False, source="network")
        else:
            body = answer.body
            found = Resolved(
                agent=body["agent"],
                version=body["version"],
                content_hash=body["content_hash"],
                config=body["config"],
                prompts=body.get("prompts", []),
            )
            etag = answer.headers.get("etag", "")
            self._store.write("resolved", ref, {"resolved": _plain(found), "etag": etag})
        self._upload_soon()  # the console answered
        with self._lock:
            self._memory[ref] = replace(found, source="memory")
            self._etags[ref] = etag or ""
            # Current only if no change about the agent arrived while we asked.
            if self.following != "no" and self._generation.get(agent, 0) == generation:
                self._fresh.add(ref)
        return found

    # ------------------------------------------------------------- conversations

    def start_conversation(
        self, *, channel: str | None = None, agent: str | None = None, key: str | None = None
    ) -> Conversation:
        if (channel is None) == (agent is None):
            raise ValueError("give one of channel= or agent=")
        body: dict[str, Any] = {"channel": channel} if channel else {"agent": agent}
        if key is not None:
            body["key"] = key
        try:
            answer = self._transport.call(
                "POST", "/conversations", body, headers={"Idempotency-Key": uuid.uuid4().hex}
            )
        except Unavailable:
            return self._start_offline(channel, agent, key)
        if channel is not None:
            self._keep_routing(channel)
        self._upload_soon()
        return _conversation(answer.body)

    def end_conversation(
        self,
        conversation: Conversation,
        outcome: str,
        *,
        latency_ms: float | None = None,
        satisfaction: int | None = None,
        cost: float | None = None,
        scores: dict[str, float] | None = None,
        turns: list[dict[str, Any]] | None = None,
        **metrics: Any,
    ) -> None:
        """End it on the console, or queue the end (uploaded with the conversation, for
        one started offline). What callers felt goes with it: `latency_ms` (the median
        response latency), `satisfaction` (1 to 5), `cost` (USD), `scores` ({name: 0 to
        1}) and the transcript `turns` ([{"role", "content", "latency_ms"?}]); also
        `duration_s`, `sentiment`, `automated`, `analysis`."""
        felt = {
            "latency_ms": latency_ms,
            "satisfaction": satisfaction,
            "cost": cost,
            "scores": scores,
            "turns": turns,
        }
        end = {"outcome": outcome, **metrics, **{k: v for k, v in felt.items() if v is not None}}
        with self._lock:
            queued = self._pending.get(conversation.id)
            if queued is not None:
                queued["end"] = end
                self._store.write("pending", conversation.id, queued)
                return
        conversation_id = self.uploaded.get(conversation.id, conversation.id)
        try:
            self._transport.call("POST", f"/conversations/{conversation_id}/end", end)
        except Unavailable:
            record = {"id": f"end_{uuid.uuid4().hex}", "conversation": conversation_id, "end": end}
            self._queue(record)

    @property
    def pending_uploads(self) -> int:
        with self._lock:
            return len(self._pending)

    def _start_offline(self, channel: str | None, agent: str | None, key: str | None):
        key = key or uuid.uuid4().hex
        variant = None
        if channel is not None:
            routing = self._routing.get(channel) or self._store.read("routing", channel)
            if routing is None:
                raise Unavailable(f"the console is unreachable and {channel} was never routed here")
            target = assign(channel, key, routing["targets"])
            variant, version, owner = target["variant"], target["version"], routing["agent"]
            ref = f"{owner}@v{version}"
        else:
            ref = agent
        if channel is not None and not isinstance(version, int):
            raise Unavailable(f"the console is unreachable and {channel} serves {version!r}")
        resolved = self._last_known(ref)
        if resolved is None:
            raise Unavailable(f"the console is unreachable and {ref} was never resolved here")
        if not isinstance(resolved.version, int):
            raise Unavailable(f"the console is unreachable and {ref} is not a saved version")
        started_at = datetime.now(UTC).isoformat()
        local = f"local_{uuid.uuid4().hex}"
        body: dict[str, Any] = {"channel": channel} if channel else {"agent": _agent_of(ref)}
        body.update(key=key, offline={"version": resolved.version, "started_at": started_at})
        self._queue({"id": local, "start": body, "end": None})
        return Conversation(
            id=local,
            agent=resolved.agent,
            version=resolved.version,
            config=resolved.config,
            channel=channel,
            variant=variant,
            content_hash=resolved.content_hash,
            prompts=resolved.prompts,
            offline=True,
            started_at=started_at,
        )

    def _upload_soon(self) -> None:
        """Send what waits, on a thread of its own, unless that is under way."""
        if self._pending and not self._upload_lock.locked():
            threading.Thread(target=self.upload_pending, daemon=True).start()

    def _queue(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._pending[record["id"]] = record
            self._store.write("pending", record["id"], record)

    def upload_pending(self) -> int:
        """Send what waits, oldest first; returns how many were sent. Stops at the
        first that cannot reach the console; one the console refuses (a start more
        than 7 days old…) is set aside in `failed_uploads`."""
        sent = 0
        with self._upload_lock:
            with self._lock:
                records = sorted(self._pending.values(), key=_started_at)
            for record in records:
                try:
                    self._upload(record)
                except Unavailable:
                    break
                except AgentConsoleError as exc:
                    logger.warning("the console refused a queued upload: %s", exc)
                    self.failed_uploads.append({**record, "error": str(exc)})
                with self._lock:
                    self._pending.pop(record["id"], None)
                    self._store.delete("pending", record["id"])
                sent += 1
        return sent

    def _upload(self, record: dict[str, Any]) -> None:
        conversation = record.get("conversation")
        if "start" in record:
            answer = self._transport.call(
                "POST", "/conversations", record["start"], headers={"Idempotency-Key": record["id"]}
            )
            conversation = answer.body["id"]
            self.uploaded[record["id"]] = conversation
        if record.get("end") is not None:
            try:
                self._transport.call("POST", f"/conversations/{conversation}/end", record["end"])
            except Refused as exc:
                if exc.code != "already_ended":  # sent before, its answer lost
                    raise

    # ------------------------------------------------------------------ routing

    def _keep_routing(self, channel: str) -> None:
        """Keep what a channel needs for local binding: its routing and each target's
        configuration (read again only after a change about it)."""
        with self._lock:
            if channel in self._fresh:
                return
        routing = self._transport.call("GET", f"/channels/{channel}/routing").body
        for target in routing["targets"]:
            if isinstance(target["version"], int):
                self.resolve(f"{routing['agent']}@v{target['version']}")
        self._store.write("routing", channel, routing)
        with self._lock:
            self._routing[channel] = routing
            if self.following != "no":
                self._fresh.add(channel)

    # --------------------------------------------------------- following changes

    def _apply(self, change: dict[str, Any]) -> None:
        if str(change.get("kind", "")).startswith("change_request."):
            return  # reviews of a branch: nothing a runtime serves changed
        agent, channel = change.get("agent"), change.get("channel")
        with self._lock:
            if agent:
                self._generation[agent] = self._generation.get(agent, 0) + 1
                self._fresh = {
                    ref
                    for ref in self._fresh
                    if _agent_of(ref) != agent and self._routing.get(ref, {}).get("agent") != agent
                }
            if channel:
                self._fresh.discard(channel)
            stale = [ref for ref in self._memory if _agent_of(ref) == agent]
        for ref in stale:  # read again now, so the next resolve answers from memory
            with contextlib.suppress(AgentConsoleError):
                self._fetch(ref, self._memory.get(ref))

    def _forget_all(self) -> None:
        with self._lock:
            self._fresh.clear()
            for agent in list(self._generation):
                self._generation[agent] += 1

    def _follow(self) -> None:
        backoff = 0.2
        while not self._closed.is_set():
            if self._stream and self._read_stream():
                backoff = 0.2
                continue
            if self._poll():
                self._closed.wait(self._poll_interval)
            else:
                self._closed.wait(backoff)
                backoff = min(backoff * 2, RECONNECT_MAX_S)

    def _read_stream(self) -> bool:
        """Follow the stream until it ends; whether it connected at all."""
        connected = False
        try:
            for event, seq, data in self._transport.events({}, self.last_seq, read_timeout=40):
                if self._closed.is_set():
                    break
                if event == "open" or not connected:
                    connected = True
                    with self._lock:
                        self.following = "stream"
                self._upload_soon()  # the console answers (a ping comes every 15 s)
                if event == "change":
                    self._apply(json.loads(data))
                    self.last_seq = int(seq)
                elif event == "reset":
                    self._forget_all()
                    self.last_seq = json.loads(data)["seq"]
        except Unauthorized as exc:
            logger.error("the stream refused this token: %s", exc)
            self._stream = False
        except (Unavailable, ValueError, KeyError) as exc:
            logger.info("the stream is away: %s", exc)
        with self._lock:
            self.following = "no"
            self._fresh.clear()
        return connected

    def _poll(self) -> bool:
        """One read of `GET /changes` after what was seen; whether the console answered."""
        try:
            if self.last_seq is None:  # start from the latest: what is held is read again
                self.last_seq = self._latest_seq()
                self._forget_all()
            while True:
                page = self._transport.call("GET", f"/changes?since={self.last_seq}&limit=1000")
                if page.body.get("reset"):
                    self._forget_all()
                for change in page.body["data"]:
                    self._apply(change)
                self.last_seq = page.body["last_seq"]
                if not page.body["data"] or len(page.body["data"]) < 1000:
                    break
        except AgentConsoleError as exc:
            with self._lock:
                self.following = "no"
                self._fresh.clear()
            logger.info("the console is away: %s", exc)
            return False
        with self._lock:
            self.following = "polling"
        if self._pending:
            self.upload_pending()
        return True

    def _latest_seq(self) -> int:
        since = 0
        while True:
            page = self._transport.call("GET", f"/changes?since={since}&limit=1000").body
            if len(page["data"]) < 1000:
                return page["last_seq"]
            since = page["last_seq"]

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        self._closed.set()
        self._transport.abort()
        self._thread.join(timeout=5)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient:
    """The same client for asyncio code: each call runs in a thread
    (`asyncio.to_thread`); answers from memory return without waiting on anything."""

    def __init__(self, base_url: str, token: str, **options: Any):
        self.sync = Client(base_url, token, **options)

    async def resolve(self, ref: str) -> Resolved:
        return await asyncio.to_thread(self.sync.resolve, ref)

    async def start_conversation(self, **where: Any) -> Conversation:
        return await asyncio.to_thread(lambda: self.sync.start_conversation(**where))

    async def end_conversation(self, conversation: Conversation, outcome: str, **metrics: Any):
        """Client.end_conversation, without blocking the loop."""
        return await asyncio.to_thread(
            lambda: self.sync.end_conversation(conversation, outcome, **metrics)
        )

    @property
    def pending_uploads(self) -> int:
        return self.sync.pending_uploads

    async def close(self) -> None:
        await asyncio.to_thread(self.sync.close)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def _started_at(record: dict[str, Any]) -> str:
    return record.get("start", {}).get("offline", {}).get("started_at", "")


def _plain(resolved: Resolved) -> dict[str, Any]:
    return {
        "agent": resolved.agent,
        "version": resolved.version,
        "content_hash": resolved.content_hash,
        "config": resolved.config,
        "prompts": resolved.prompts,
    }


def _conversation(body: dict[str, Any]) -> Conversation:
    return Conversation(
        id=body["id"],
        agent=body["agent"],
        version=body["version"],
        config=body["config"],
        channel=body.get("channel"),
        variant=body.get("variant"),
        content_hash=body.get("content_hash", ""),
        prompts=body.get("prompts", []),
        offline=bool(body.get("offline")),
        started_at=body.get("started_at", ""),
    )
