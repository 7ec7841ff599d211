"""Real server processes for tests that need them (gunicorn on a free port)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager, suppress

from bench import harness
from bench.harness import ROOT


def fetch(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def fetch_json(url: str, token: str | None = None) -> dict:
    return json.loads(fetch(url, token)[2])


def manage(env: dict, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


@contextmanager
def gunicorn(env: dict, *, probe: str = "/healthz"):
    """gunicorn (one worker) serving the app with `env`; yields its base URL once
    `probe` answers, stops it after."""
    with harness.gunicorn(env, "--workers", "1") as port:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{base}{probe}")
                break
            except OSError:
                time.sleep(0.1)
        yield base


@contextmanager
def serve(env: dict, *, workers: int = 1):
    """`manage.py serve` (the production server) with `env` on a free port; yields
    (base URL, process) once `/healthz` answers; stopped with SIGTERM after."""
    port = harness.free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", *options(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers with it: `kill_node` stops them all
    )
    try:
        harness.wait_for_port(port, attempts=150)
        yield f"http://127.0.0.1:{port}", server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


def kill_node(server: subprocess.Popen) -> None:
    """A node dies at once (SIGKILL to its master and workers)."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


def options(workers: int) -> list[str]:
    return ["--workers", str(workers), "--log-level", "warning"]


class Subscriber:
    """A stream subscriber on a real server: a thread reads its events into a list
    (each with the monotonic time it arrived)."""

    def __init__(self, base: str, token: str, query: str = "", last_event_id: str | None = None):
        self.events: list[tuple[float, str | None, str, dict]] = []
        self.arrived = threading.Condition()
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", f"/api/v1/stream{query}", headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line:
                    if not line.startswith(":"):
                        name, _, value = line.partition(": ")
                        fields[name] = value
                    continue
                if "event" in fields:
                    with self.arrived:
                        self.events.append(
                            (
                                time.monotonic(),
                                fields.get("id"),
                                fields["event"],
                                json.loads(fields["data"]),
                            )
                        )
                        self.arrived.notify_all()
                fields = {}
        except (OSError, ValueError, AttributeError):  # closed (by `close()` or the server)
            pass
        with self.arrived:
            self.closed = True
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 10) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events) >= count or self.closed, timeout)
            return list(self.events)

    def close(self) -> None:
        self.connection.close()


class Proxy:
    """A TCP proxy to a server that can drop every connection and refuse new ones
    (`down()`), as a network outage does, and come back (`up()`). `accepted` counts
    the connections it let through."""

    def __init__(self, port: int):
        import socket

        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.open: set = set()
        self.lock = threading.Lock()
        self.running = True
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:  # `down()` takes the same lock: no connection slips past it
                if not self.running:
                    client.close()
                    upstream.close()
                    continue
                self.accepted += 1
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self.lock:
                self.open -= {source, sink}
            _cut(source, sink)

    def down(self) -> None:
        with self.lock:
            self.running = False
            ends, self.open = list(self.open), set()
        _cut(*ends)

    def up(self) -> None:
        self.running = True

    def close(self) -> None:
        self.down()
        self.listener.close()


def _cut(*ends) -> None:
    """Shut each socket down, then close it: closing alone leaves a connection open
    while another thread is blocked reading it."""
    import socket

    for end in ends:
        with suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            end.close()
