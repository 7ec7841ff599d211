"""The ASGI entry: the stream goes to Django's ASGI handler (a coroutine per
subscriber), everything else to the WSGI application in threads."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from console import asgi


def in_a_thread(coroutine) -> None:
    """Run `coroutine` on an event loop of its own (the browser tests leave one running
    in the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def call(path: str, scope_type: str = "http") -> str:
    taken = []

    async def streams(scope, receive, send):
        taken.append("streams")

    async def requests(scope, receive, send):
        taken.append("requests")

    async def run():
        original = asgi.streams, asgi.requests
        asgi.streams, asgi.requests = streams, requests
        try:
            await asgi.application({"type": scope_type, "path": path}, None, None)
        finally:
            asgi.streams, asgi.requests = original

    in_a_thread(run())
    return taken[0]


@pytest.mark.parametrize(
    ("path", "served_by"),
    [
        ("/api/v1/stream", "streams"),
        ("/api/v1/stream/", "streams"),
        ("/api/v1/streams", "requests"),
        ("/api/v1/resolve/ag_x", "requests"),
        ("/", "requests"),
    ],
)
def test_only_the_stream_is_served_by_the_event_loop(path, served_by):
    assert call(path) == served_by


def test_the_lifespan_is_answered():
    sent = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    in_a_thread(asgi.application({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
