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


def served(app, body_parts: list[bytes]) -> list[dict]:
    """Run `app` (WSGI) through ThreadedWSGI; the ASGI messages it sent."""
    sent: list[dict] = []
    parts = iter(body_parts)

    async def receive():
        part = next(parts)
        return {"type": "http.request", "body": part, "more_body": part != body_parts[-1]}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": "/echo",
        "query_string": b"q=1",
        "headers": [(b"content-type", b"text/plain")],
    }
    in_a_thread(asgi.ThreadedWSGI(app, threads=2)(scope, receive, send))
    return sent


def test_a_request_goes_to_a_thread_whole_and_its_response_comes_back_whole():
    def echo(environ, start_response):
        start_response(
            "201 Created", [("Content-Type", "text/plain"), ("X-Query", environ["QUERY_STRING"])]
        )
        return [b"got ", environ["wsgi.input"].read()]

    sent = served(echo, [b"hello ", b"world"])
    assert sent[0]["status"] == 201
    assert (b"x-query", b"q=1") in sent[0]["headers"]
    assert sent[1:] == [{"type": "http.response.body", "body": b"got hello world"}]


def test_a_streaming_response_is_sent_chunk_by_chunk_and_closed():
    closed = []

    class Streaming:
        streaming = True

        def __iter__(self):
            return iter([b"one", b"two"])

        def close(self):
            closed.append(True)

    def stream(environ, start_response):
        start_response("200 OK", [])
        return Streaming()

    sent = served(stream, [b""])
    assert [m.get("body") for m in sent[1:]] == [b"one", b"two", b""]
    assert closed == [True]


def test_a_large_body_is_spooled_to_disk(monkeypatch):
    monkeypatch.setattr(asgi, "BODY_IN_MEMORY", 10)
    seen = []

    def size(environ, start_response):
        seen.append(environ["wsgi.input"]._rolled)
        start_response("200 OK", [])
        return [str(len(environ["wsgi.input"].read())).encode()]

    sent = served(size, [b"x" * 30, b"y" * 30])
    assert sent[-1]["body"] == b"60"
    assert seen == [True]
