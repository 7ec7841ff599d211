"""Pushing changes to stream subscribers, on every server process.

A change is announced after its transaction commits (`announce`): published on
Redis (`channel_name()`) when REDIS_URL is set, and the process's own hub is woken.
Each process that has subscribers runs one hub: one thread that waits for an
announcement (a Redis message, or a wake-up from this process), reads the changes
after the last one it delivered from the database (one query for all its
subscribers, so they come in `seq` order with nothing skipped whatever the
messages said) and hands each to the subscribers it matches. Without Redis, or
while Redis is down, the hub reads the database every `STREAM_POLL_S` seconds
instead: changes still arrive, later. Subscribers never hold a database
connection or a thread of their own; one that stops reading is dropped once
`MAX_PENDING` changes wait for it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from agents.models import Channel, StreamNode
from agents.selectors import changes as changes_selectors

logger = logging.getLogger(__name__)

MAX_PENDING = 1_000
REPORT_EVERY_S = 10.0
PUSHED_KEPT = 50
EVERYTHING = "*"


@dataclass(frozen=True)
class Interest:
    """What a subscriber asked for: agents, channels, prompts (none: everything). A
    channel's subscriber also receives its agent's changes that name no channel,
    as `GET /changes` gives them."""

    agents: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    prompts: frozenset[str] = frozenset()
    channel_agents: frozenset[str] = frozenset()
    # The workspaces (ws_…) the subscriber may hear of; None: every one.
    workspaces: frozenset[str] | None = None

    @classmethod
    def of(
        cls,
        *,
        agents: Iterable[str] = (),
        channels: Iterable[str] = (),
        prompts: Iterable[str] = (),
        workspaces: Iterable[str] | None = None,
    ) -> Interest:
        channels = frozenset(channels)
        owners = Channel.objects.filter(public_id__in=channels).values_list(
            "agent__public_id", flat=True
        )
        return cls(
            frozenset(agents),
            channels,
            frozenset(prompts),
            frozenset(owners),
            None if workspaces is None else frozenset(workspaces),
        )

    @property
    def everything(self) -> bool:
        return not (self.agents or self.channels or self.prompts)

    def wants(self, event: dict[str, Any]) -> bool:
        if self.workspaces is not None and event.get("workspace") not in self.workspaces:
            return False
        if self.everything:
            return True
        agent, channel = event.get("agent"), event.get("channel")
        return (
            agent in self.agents
            or event.get("prompt") in self.prompts
            or channel in self.channels
            or (channel is None and agent in self.channel_agents)
        )

    def agents_heard(self) -> frozenset[str]:
        """The agents whose changes reach this subscriber (for the console's counts)."""
        return frozenset({EVERYTHING}) if self.everything else self.agents | self.channel_agents


@dataclass(eq=False)
class Subscription:
    """One subscriber's queue: the hub appends `(seq, event)`, the stream takes them.
    `wake` is set by whoever waits (a thread's Event, an event loop's callback)."""

    interest: Interest
    items: deque = field(default_factory=deque)
    wake: Callable[[], None] | None = None
    dropped: bool = False

    def offer(self, seq: int, event: dict[str, Any]) -> bool:
        if self.dropped or not self.interest.wants(event):
            return False
        if len(self.items) >= MAX_PENDING:
            self.dropped = True  # it stopped reading: the stream ends, the client resumes
        else:
            self.items.append((seq, event))
        if self.wake is not None:
            try:
                self.wake()
            except RuntimeError:  # its event loop is gone: nobody reads it any more
                self.dropped = True
        return not self.dropped

    def take(self) -> list[tuple[int, dict[str, Any]]]:
        taken = []
        while self.items:
            taken.append(self.items.popleft())
        return taken


class Hub:
    """The process's fan-out: started by its first subscriber, it runs as long as the
    process does."""

    def __init__(self):
        self.subscriptions: set[Subscription] = set()
        self.lock = threading.Lock()
        self.woken = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_seq: int | None = None
        self.mode = "idle"  # "redis", "polling" (no Redis, or Redis down)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pushed: dict[str, int] = {}
        self.reported_at = 0.0

    def subscribe(self, interest: Interest) -> Subscription:
        subscription = Subscription(interest)
        with self.lock:
            if self.last_seq is None:
                self.last_seq = changes_selectors.latest_seq()
            self.subscriptions.add(subscription)
            if self.thread is None:
                self.start()
        return subscription

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="stream-hub", daemon=True)
        self.thread.start()

    def unsubscribe(self, subscription: Subscription) -> None:
        with self.lock:
            self.subscriptions.discard(subscription)

    def wake(self) -> None:
        self.woken.set()

    def deliver(self) -> int:
        """Hand every change after the last delivered to the subscribers it matches;
        returns how many changes were read. The one place that reads changes."""
        with self.lock:
            since = self.last_seq if self.last_seq is not None else changes_selectors.latest_seq()
        rows = list(changes_selectors.changes(since=since)[: changes_selectors.MAX_PAGE])
        if not rows:
            self.last_seq = since
            return 0
        with self.lock:
            subscriptions = list(self.subscriptions)
        for row in rows:
            event = changes_selectors.event(row)
            reached = sum(subscription.offer(row.seq, event) for subscription in subscriptions)
            self.pushed[str(row.seq)] = reached
        for subscription in subscriptions:
            if subscription.dropped:
                self.unsubscribe(subscription)
        self.last_seq = rows[-1].seq
        while len(self.pushed) > PUSHED_KEPT:
            self.pushed.pop(next(iter(self.pushed)))
        return len(rows)

    def report(self) -> None:
        """Tell the console how many listen to what here, and what recent changes reached."""
        listening: dict[str, int] = {}
        with self.lock:
            for subscription in self.subscriptions:
                for agent in subscription.interest.agents_heard():
                    listening[agent] = listening.get(agent, 0) + 1
        StreamNode.objects.update_or_create(
            name=self.name,
            defaults={"seen_at": timezone.now(), "listening": listening, "pushed": self.pushed},
        )
        self.reported_at = time.monotonic()

    def _run(self) -> None:
        while True:
            try:
                self._listen()
            except Exception:  # a database or Redis failure: keep serving, retry shortly
                logger.exception("stream hub: listening failed; retrying")
                self.mode = "polling"
                close_old_connections()
                time.sleep(settings.STREAM_POLL_S)

    def _listen(self) -> None:
        messages = _redis_messages()
        self.mode = "redis" if messages is not None else "polling"
        # With Redis, the database is still read now and then: a message lost while
        # Redis or the publisher was away costs at most this long.
        wait = settings.STREAM_POLL_S if messages is None else settings.STREAM_SAFETY_POLL_S
        last_read = 0.0
        while True:
            heard = False
            if messages is not None:
                try:
                    heard = messages.get_message(ignore_subscribe_messages=True, timeout=0.5)
                except Exception:
                    logger.warning("stream hub: Redis is unreachable; reading the database")
                    return  # start again: polling until Redis answers
                heard = heard is not None or self.woken.is_set()
            else:
                heard = self.woken.wait(timeout=min(wait, 0.5))
            due = time.monotonic() - last_read >= wait
            if heard or due:
                self.woken.clear()
                while self.deliver() == changes_selectors.MAX_PAGE:
                    pass  # a burst: read on until it is all handed out
                last_read = time.monotonic()
                if heard:
                    self.report()
            if time.monotonic() - self.reported_at >= REPORT_EVERY_S:
                self.report()
            if messages is None and _redis_configured() and due:
                return  # see whether Redis is back


def channel_name() -> str:
    """The Redis channel announcements go on: one per installation (its cache prefix)."""
    return f"{settings.CACHE_KEY_PREFIX}:changes"


def _redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def _redis_client():
    import redis

    timeout = settings.STREAM_REDIS_TIMEOUT_S
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def _redis_messages():
    """A Redis subscription to the announcements, or None (no Redis, or it is down)."""
    if not _redis_configured():
        return None
    try:
        pubsub = _redis_client().pubsub()
        pubsub.subscribe(channel_name())
        return pubsub
    except Exception:
        return None


_publisher = None


def announce(seq: int) -> None:
    """After a change commits: tell every process's hub (Redis) and this one's."""
    global _publisher
    if _redis_configured():
        try:
            if _publisher is None:
                _publisher = _redis_client()
            _publisher.publish(channel_name(), str(seq))
        except Exception:  # the hubs read the database on their own soon enough
            logger.warning("stream: could not announce change %s on Redis", seq)
            _publisher = None
    if _hub is not None:
        _hub.wake()


_hub: Hub | None = None
_hub_lock = threading.Lock()


def hub() -> Hub:
    """This process's hub (made on first use)."""
    global _hub
    with _hub_lock:
        if _hub is None:
            _hub = Hub()
        return _hub


def stream_mode() -> str:
    """How this process hears of changes: "redis", "polling", or "idle" (no subscriber)."""
    return _hub.mode if _hub is not None else "idle"


def release_connection() -> None:
    """Give back the database connection a stream's opening used: an idle subscriber
    holds none (the hub reads for all of them)."""
    connection.close()
