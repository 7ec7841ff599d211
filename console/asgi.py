"""ASGI entry point, the production server's (`manage.py serve`).

The change stream (`/api/v1/stream`) is served by Django's ASGI handler: each
subscriber is a coroutine on the event loop, so a thousand idle ones hold no
thread. Every other request goes to the WSGI application in a thread pool (a2wsgi),
the same code and speed as under a WSGI server.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

streams = get_asgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402  (after Django is set up)
from django.conf import settings  # noqa: E402

from console.wsgi import application as wsgi_application  # noqa: E402

requests = WSGIMiddleware(wsgi_application, workers=settings.SERVE_THREADS)

STREAM_PATH = "/api/v1/stream"


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].rstrip("/") == STREAM_PATH:
        return await streams(scope, receive, send)
    if scope["type"] == "lifespan":
        return await _lifespan(receive, send)
    return await requests(scope, receive, send)


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
