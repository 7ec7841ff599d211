"""HTTP for the client: JSON calls, and the lines of a Server-Sent Events stream."""

from __future__ import annotations

import contextlib
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agent_console_client.errors import (
    AgentConsoleError,
    NotFound,
    NotPublished,
    Refused,
    Unauthorized,
    Unavailable,
)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class Transport:
    def __init__(self, base_url: str, token: str, timeout: float):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request; raises the client's errors (Unavailable for a network failure
        or a 5xx). A 304 is an answer, not an error."""
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if body is not None else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            answer = _answer(exc.code, exc.headers, exc.read())
            if exc.code == 304:
                return answer
            raise _error(answer) from None
        except (OSError, http.client.HTTPException) as exc:
            raise Unavailable(f"the console did not answer: {exc}") from None

    def events(
        self, query: dict[str, str], last_event_id: int | None, read_timeout: float
    ) -> Iterator[tuple[str, str | None, str]]:
        """(event, id, data) for each event of `GET /stream` until it ends: first
        ("open", None, "") once connected; comments (pings) yield ("ping", None, "").
        Raises Unavailable when it cannot connect or the connection breaks (nothing,
        not even a ping, for `read_timeout`)."""
        parts = urllib.parse.urlsplit(self.base)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(parts.hostname, parts.port, timeout=self.timeout)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        path = f"{parts.path}/stream?{urllib.parse.urlencode(query, doseq=True)}"
        try:
            connection.request("GET", path, headers=headers)
            sock = self.stream_socket = connection.sock  # a closing response unsets it
            response = connection.getresponse()
            if response.status != 200:
                raise _error(_answer(response.status, response.headers, response.read()))
            sock.settimeout(read_timeout)  # the body: events, or a ping every 15 s
            yield "open", None, ""
            fields: dict[str, str] = {}
            for raw in response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith(":"):
                    yield "ping", None, ""
                elif line:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                elif "event" in fields or "data" in fields:
                    yield fields.get("event", "message"), fields.get("id"), fields.get("data", "")
                    fields = {}
        except (OSError, http.client.HTTPException) as exc:
            raise Unavailable(f"the stream broke: {exc}") from None
        finally:
            connection.close()

    def abort(self) -> None:
        """Break the stream being read (from another thread)."""
        sock = getattr(self, "stream_socket", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(2)


def _answer(status: int, headers, raw: bytes) -> Answer:
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    return Answer(status, {k.lower(): v for k, v in headers.items()}, body)


def _error(answer: Answer) -> AgentConsoleError:
    error = (answer.body or {}).get("error", {}) if isinstance(answer.body, dict) else {}
    message = error.get("message") or f"HTTP {answer.status}"
    code = error.get("code")
    if answer.status >= 500:
        kind: type[AgentConsoleError] = Unavailable
    elif answer.status in (401, 403):
        kind = Unauthorized
    elif answer.status == 404:
        kind = NotFound
    elif code == "agent_not_published":
        kind = NotPublished
    else:
        kind = Refused
    return kind(message, status=answer.status, code=code)
