"""Helpers the tests share: a draft edit, a JSON API client, error assertions, a worker
run, a fake model provider.

Fixtures live in `conftest.py`; plain functions and classes live here and are imported.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agents.domain.config import merge_patch
from agents.services import conversations, drafts


def edit(agent, patch: dict, *, user=None, **kwargs):
    """Apply a merge patch to the agent's current draft through update_draft."""
    agent.draft.refresh_from_db()
    return drafts.update_draft(
        agent=agent, config=merge_patch(agent.draft.config, patch), user=user, **kwargs
    )


class Api:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, client, token):
        self.client = client
        self.token = token

    def call(self, method, path, body=None, *, token=..., headers=None, raw=None):
        token = self.token if token is ... else token
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs, **extra)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def calls(agent, user, count: int, rate: float, *, failed="abandoned", commits=None) -> None:
    """`count` conversations on what `agent` has released; the first `rate` of each ten
    end completed, the rest `failed`. With `commits`
    (django_capture_on_commit_callbacks) each end commits as in production, so what
    listens for ended conversations runs."""
    for i in range(count):
        conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
        outcome = "completed" if (i % 10) < rate * 10 else failed
        if commits is None:
            conversations.end_conversation(conversation=conversation, user=user, outcome=outcome)
            continue
        with commits(execute=True):
            conversations.end_conversation(conversation=conversation, user=user, outcome=outcome)


def ended(version, values: list[dict], *, channel_ref: str = "", variant: str = "", at=None):
    """Ended conversations on `version`, one per entry of `values` (the Conversation's
    fields: `latency_ms`, `satisfaction`, `cost`, `scores`, `outcome`…), written at once."""
    from django.utils import timezone

    from agents.models import Conversation
    from agents.services import metrics

    at = at or timezone.now()
    rows = Conversation.objects.bulk_create(
        Conversation(
            agent_id=version.agent_id,
            version=version,
            content_hash=version.content_hash,
            channel_ref=channel_ref,
            variant=variant,
            started_at=at,
            ended_at=at,
            **{"outcome": "completed", **entry},
        )
        for entry in values
    )
    metrics.rebuild([version.agent_id])  # written in bulk: their days counted at once
    return rows


def draft_form(agent, **overrides):
    """The editor form as a browser would submit it, from the stored draft."""
    agent.draft.refresh_from_db()
    config = agent.draft.config
    data = {"revision": str(agent.draft.revision), "_action": "save"}

    def flatten(prefix, value):
        if isinstance(value, dict) and prefix.split(".")[-1] not in {
            "parameters",
            "workflow",
            "input_schema",
            "output_schema",
        }:
            for key, item in value.items():
                flatten(f"{prefix}.{key}" if prefix else key, item)
        elif isinstance(value, list) and prefix.split(".")[-1] in {"tools", "knowledge", "fields"}:
            data[f"{prefix}.__row"] = [str(i) for i in range(len(value))]
            for i, row in enumerate(value):
                flatten(f"{prefix}[{i}]", row)
        elif isinstance(value, list):
            data[prefix] = "\n".join(value)
        elif isinstance(value, dict):
            data[prefix] = json.dumps(value)
        elif value is None:
            data[prefix] = ""
        else:
            data[prefix] = str(value)

    flatten("", config)
    data.update(overrides)
    return data


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def run_worker() -> None:
    """What `manage.py db_worker` does, until the queue is empty.

    The worker closes "old" connections between jobs; inside a test's
    transaction that would close the test's own connection, so it is told not to.
    """
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


class FakeOpenAI(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat-completions server on 127.0.0.1 (never a real network).

    `behaviour`: ok, slow (2 s), error (500) or garbage; `delay` seconds before every answer.
    """

    behaviour = "ok"
    delay = 0.0
    seen: list = []
    content = "Tuesday 10:00 works."  # what every reply says

    @classmethod
    def serve(
        cls, *, delay: float = 0.0, content: str = "Tuesday 10:00 works."
    ) -> ThreadingHTTPServer:
        """Start a server in a thread; call `shutdown()` and `server_close()` when done."""
        cls.behaviour, cls.delay, cls.seen = "ok", delay, []
        cls.content = content
        server = ThreadingHTTPServer(("127.0.0.1", 0), cls)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.seen.append((self.path, dict(self.headers), body))
        if FakeOpenAI.delay:
            threading.Event().wait(FakeOpenAI.delay)
        if FakeOpenAI.behaviour == "slow":
            threading.Event().wait(2)
        if FakeOpenAI.behaviour == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"upstream exploded")
            return
        payload = (
            b"not json"
            if FakeOpenAI.behaviour == "garbage"
            else json.dumps(
                {
                    "model": body["model"],
                    "choices": [
                        {
                            "message": {
                                "role": "assistant",
                                "content": FakeOpenAI.content,
                                "tool_calls": [],
                            }
                        }
                    ],
                    "usage": {"prompt_tokens": 42, "completion_tokens": 6},
                }
            ).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    client.force_login(user)
    return client


def console_url(name, agent, *args):
    """A console page of `agent`: `console_url("playground-session", agent, "cv_x")`."""
    from django.urls import reverse

    return reverse(f"agents:{name}", args=[agent.public_id, *args])


def detail_url(agent):
    from django.urls import reverse

    return reverse("agents:detail", args=[agent.public_id])


PEER_FILES = Path(__file__).parent / "fixtures" / "peers"


def peer_file(name: str):
    """A sample file of another platform (tests/fixtures/peers/NAME.json) as data."""
    return json.loads((PEER_FILES / f"{name}.json").read_text())


def tools_by_name(config: dict) -> dict:
    return {tool["name"]: tool for tool in config["tools"]}


# A draft with a tool, for eval and playground tests (the echo provider names tools).
BOOKING = {"tools": [{"name": "book", "url": "https://x.example/book", "description": "Book"}]}


class Flaky:
    """A provider that times out on its first call and answers after."""

    name = "flaky"

    def __init__(self):
        self.calls = 0

    def complete(self, *, config, messages):
        from agents.providers import Completion, ProviderError

        self.calls += 1
        if self.calls == 1:
            raise ProviderError("timeout", "The provider did not answer within 30 s.")
        return Completion("fine, book it", "flaky", "m", 5.0, 1, 3)


def refused_by_database(queryset, **values) -> None:
    """The database itself (a constraint) refuses setting `values` on `queryset`'s rows."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def percentile_cont(values, p):
    """The reference percentile: linear interpolation between closest ranks, as
    PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    h = p * (len(ordered) - 1)
    low = int(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


class UnauditedWrites:
    """A database execute wrapper noting each write of a control-plane table made by
    a service (a function of agents.services) outside an @audited one."""

    TABLES = frozenset(
        f"agents_{name}"
        for name in [
            "agent",
            "draft",
            "publishedversion",
            "draftrevision",
            "releaseevent",
            "label",
            "releaserequest",
            "releasereview",
            "scheduledrelease",
            "channel",
            "rollout",
            "rolloutevent",
            "alert",
            "webhook",
            "apitoken",
            "judge",
            "evalsuite",
            "evalcase",
            "branch",
            "changerequest",
            "comment",
            "review",
            "workspace",
            "membership",
        ]
    )
    # Writes a service makes without an entry, each for a reason.
    EXEMPT = {
        ("agents.services.rollouts", "evaluate_rollout"): "when the rule last looked",
    }
    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        self.missed: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        from agents.services import audit

        found = self.WRITE.match(sql)
        if found and found[1] in self.TABLES and not audit.active():
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__", "")
                if module.startswith("agents.services.") and module != "agents.services.audit":
                    if (module, frame.f_code.co_name) not in self.EXEMPT:
                        self.missed.append(f"{module}.{frame.f_code.co_name} wrote {found[1]}")
                    break
                frame = frame.f_back
        return execute(sql, params, many, context)
