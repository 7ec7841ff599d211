"""`GET /stream`: the changes, pushed as Server-Sent Events.

The opening (token, filters, `Last-Event-ID`, the replay of what the subscriber
missed) runs like any request; then the response streams what this process's hub
(`services/broadcast.py`) hands the subscription. Under the production server
(ASGI) the stream is a coroutine on the event loop, holding no thread and no
database connection while idle; under WSGI (development, tests) it holds its
request's thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from ninja import Field, Query, Schema

from agents.api.changes import ChangeEventOut, check_filters
from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.domain.exceptions import InvalidInput
from agents.permissions import VIEW_AGENT
from agents.selectors import changes as changes_selectors
from agents.services import broadcast

stream_router = Router(tags=["runtime"])

RETRY_MS = 1_000  # what a browser's EventSource waits before reconnecting

SSE_RESPONSE = {
    "description": "`text/event-stream`: `retry:` once, then each change as `id: <seq>`, "
    "`event: change`, `data: <Change JSON>` (as in `GET /changes`); `: ping` when nothing "
    'happened for `STREAM_PING_S` (15 s); `event: reset` with `{"seq": <latest>}` first '
    "when the changes after `Last-Event-ID` are no longer kept.",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}


class StreamFilters(Schema):
    since: int | None = Field(
        None, ge=0, description="Replay the changes after this `seq` first (`Last-Event-ID` wins)"
    )
    agent: list[str] = Field([], description="`ag_…`; repeat for several")
    channel: list[str] = Field([], description="`ch_…` (its agent's changes too)")
    prompt: list[str] = Field([], description="`pr_…`")


@stream_router.get("", response=ERRORS_READ, openapi_extra={"responses": {200: SSE_RESPONSE}})
def stream(request, filters: Query[StreamFilters]):
    """Changes pushed as they commit (Server-Sent Events)

    Filters as in `GET /changes` (repeatable; none: every change). Resume with the
    `Last-Event-ID` header (or `?since=`): the changes after it are replayed first,
    then live ones follow, in `seq` order with none skipped. Without either the
    stream starts at the latest change. A change reaches subscribers on every server
    process within a second of its commit. A subscriber that stops reading is
    dropped: reconnect with `Last-Event-ID`."""
    principal = require(request, VIEW_AGENT)
    check_filters(request, ("since", "agent", "channel", "prompt"))
    since = _resume_from(request, filters.since)
    latest = changes_selectors.latest_seq()
    if since is not None and since > latest:
        raise InvalidInput([{"path": "since", "message": f"is beyond the last change ({latest})"}])
    about = {"agents": filters.agent, "channels": filters.channel, "prompts": filters.prompt}
    hub = broadcast.hub()
    # Subscribe before reading the past: a change committed meanwhile is in one or both.
    heard = None if principal.workspace_id is None else [principal.workspace]
    subscription = hub.subscribe(broadcast.Interest.of(**about, workspaces=heard))
    try:
        opening, last = _replay(latest if since is None else since, about)
    except BaseException:
        hub.unsubscribe(subscription)
        raise
    if isinstance(request, ASGIRequest):
        broadcast.release_connection()
        body = _live_async(hub, subscription, opening, last)
    else:
        body = _live(hub, subscription, opening, last)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies: pass each event on at once
    return response


def _resume_from(request, since: int | None) -> int | None:
    header = request.headers.get("Last-Event-ID")
    if header is None:
        return since
    if not header.isascii() or not header.isdigit() or len(header) > 18:
        raise InvalidInput(
            [{"path": "Last-Event-ID", "message": "must be the `seq` of a change (digits)"}]
        )
    return int(header)


def _replay(since: int, about: dict) -> tuple[list[bytes], int]:
    """The opening chunks (the retry hint, then what came after `since`, or `reset`)
    and the last `seq` they cover."""
    opening = [f"retry: {RETRY_MS}\n\n".encode()]
    while True:
        rows, last, reset = changes_selectors.page_after(since, changes_selectors.MAX_PAGE, **about)
        if reset:
            opening.append(_frame(last, "reset", {"seq": last}))
            return opening, last
        opening += [_frame(row.seq, "change", changes_selectors.event(row)) for row in rows]
        if len(rows) < changes_selectors.MAX_PAGE:
            return opening, last
        since = last


def _frame(seq: int, kind: str, data: dict) -> bytes:
    if kind == "change":  # as `GET /changes` shows it
        data = ChangeEventOut.model_validate(data).model_dump(mode="json", exclude_none=True)
    text = json.dumps(data, separators=(",", ":"))
    return f"id: {seq}\nevent: {kind}\ndata: {text}\n\n".encode()


PING = b": ping\n\n"


def _pending(subscription: broadcast.Subscription, last: int) -> tuple[list[bytes], int]:
    chunks = []
    for seq, event in subscription.take():
        if seq > last:  # the replay may already have given it
            chunks.append(_frame(seq, "change", event))
            last = seq
    return chunks, last


def _live(hub, subscription, opening: list[bytes], last: int) -> Iterator[bytes]:
    ready = threading.Event()
    subscription.wake = ready.set
    try:
        yield from opening
        while not subscription.dropped:
            chunks, last = _pending(subscription, last)
            if chunks:
                yield from chunks
                continue
            if not ready.wait(timeout=settings.STREAM_PING_S):
                yield PING
            ready.clear()
    finally:
        hub.unsubscribe(subscription)


async def _live_async(hub, subscription, opening: list[bytes], last: int) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    ready = asyncio.Event()
    subscription.wake = lambda: loop.call_soon_threadsafe(ready.set)
    try:
        for chunk in opening:
            yield chunk
        while not subscription.dropped:
            chunks, last = _pending(subscription, last)
            if chunks:
                for chunk in chunks:
                    yield chunk
                continue
            try:
                await asyncio.wait_for(ready.wait(), timeout=settings.STREAM_PING_S)
            except TimeoutError:
                yield PING
            ready.clear()
    finally:
        hub.unsubscribe(subscription)
