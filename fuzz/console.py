"""Console fuzzing: every page's query string and every form, with hostile values.

Runs in-process (Django's test client, CSRF checks off) against the database
`python -m fuzz` prepared; any 5xx is a failure. Values are drawn at random
from fragments known to break parsers (NUL and control characters, huge and
non-ASCII numbers, odd dates and offsets, long strings, markup) mixed with
random Unicode text.
"""

from __future__ import annotations

import random
import time
from urllib.parse import quote

FRAGMENTS = [
    "\x00",
    "\x1b[31m",
    "\u202e",
    "²",
    "¹",
    "٣",
    "-1",
    "0",
    "v0",
    "v2",
    "draft",
    "released",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-Infinity",
    "2026-13-45",
    "2026-01-01T00:00:00+25:00",
    "9999-12-31T23:59:59-23:59",
    "<script>alert(1)</script>",
    '{"a": ' * 50,
    "[" * 300,
    "(a+)+$",
    "(?=x)",
    "https://user:pass@example.com/",
    "http://169.254.169.254/",
    "'; DROP TABLE agents_agent; --",
    "%00",
    "../../etc/passwd",
    "x" * 5000,
]
QUERY_PARAMS = [
    "page",
    "q",
    "status",
    "from",
    "to",
    "a",
    "b",
    "at",
    "version",
    "channel",
    "outcome",
    "since",
    "until",
    "target",
]
EDITOR_FIELDS = [
    "prompt.system_prompt",
    "prompt.welcome_message",
    "llm.model",
    "llm.temperature",
    "llm.max_tokens",
    "voice.language",
    "voice.speed",
    "workflow",
    "output_schema",
    "input_schema",
    "tools.__row",
    "tools[0].name",
    "tools[0].url",
    "tools[0].parameters",
    "tools[0].timeout_s",
]
ACTIONS = ["save", "keep_mine", "add:tools", "remove:tools[0]", "add:", "remove:x[9]", "add:x.y"]


def _value(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:
            parts.append(rng.choice(FRAGMENTS))
        else:
            parts.append(
                "".join(
                    chr(rng.choice([rng.randint(32, 126), rng.randint(0xA0, 0xD7FF)]))
                    for _ in range(rng.randint(0, 40))
                )
            )
    return "".join(parts)


def page_urls(
    agent, channel=None, suite=None, run=None, prompt=None, rollout=None, webhook=None
) -> list[str]:
    """Every console page about `agent` (and the channel, suite, run, library prompt,
    rollout and webhook given)."""
    from django.urls import reverse

    a = agent.public_id
    pages = [
        reverse("agents:list"),
        reverse("agents:detail", args=[a]),
        reverse("agents:history", args=[a]),
        reverse("agents:history-more", args=[a]),
        reverse("agents:compare-pick", args=[a]),
        reverse("agents:compare", args=[a, "released", "draft"]),
        reverse("agents:compare", args=[a, "r1", "draft"]),
        reverse("agents:revisions-more", args=[a]),
        reverse("agents:conversations", args=[a]),
        reverse("agents:analytics", args=[a]),
        reverse("agents:channels"),
        reverse("agents:evals", args=[a]),
        reverse("agents:playground", args=[a]),
    ]
    if channel:
        pages.append(reverse("agents:channel", args=[channel.public_id]))
    if suite:
        pages += [
            reverse("agents:eval-suite", args=[a, suite.public_id]),
            reverse("agents:eval-compare", args=[a, suite.public_id]),
        ]
    if run:
        pages.append(reverse("agents:eval-run", args=[a, run.public_id]))
    pages += [
        reverse("agents:prompts"),
        reverse("agents:alerts"),
        reverse("agents:alerts") + "?show=all",
        reverse("agents:webhooks"),
        reverse("agents:draft-import", args=[a]),
    ]
    if prompt:
        p = prompt.public_id
        pages += [
            reverse("agents:prompt", args=[p]),
            reverse("agents:compare", args=[p, "released", "draft"]),
        ]
    if rollout:
        pages.append(reverse("agents:rollout", args=[rollout.public_id]))
    if webhook:
        pages.append(reverse("agents:webhook", args=[webhook.public_id]))
    return pages


def _targets():
    from django.urls import reverse

    from agents.models import Agent, Channel, EvalCase, EvalRun, EvalSuite, Rollout, Webhook

    agent = Agent.objects.agents().exclude(released_version=None).order_by("id").first()
    prompt = Agent.objects.prompts().order_by("id").first()
    rollout = Rollout.objects.order_by("id").first()
    a = agent.public_id
    channel = Channel.objects.order_by("id").first()
    suite = EvalSuite.objects.filter(agent=agent).order_by("id").first()
    run = EvalRun.objects.filter(agent=agent).order_by("id").first()
    case = EvalCase.objects.filter(suite=suite).order_by("id").first() if suite else None
    webhook = Webhook.objects.order_by("id").first()
    pages = page_urls(agent, channel, suite, run, prompt, rollout, webhook)
    forms = {
        reverse("agents:create"): ["name", "description"],
        reverse("agents:details", args=[a]): ["name", "description"],
        reverse("agents:draft", args=[a]): ["revision", "_action", "mine", *EDITOR_FIELDS],
        reverse("agents:save-version", args=[a]): ["name", "description", "revision"],
        reverse("agents:release", args=[a, 1]): ["note", "gate_override_note"],
        reverse("agents:restore", args=[a, 1]): ["revision", "save_first", "save_name"],
        reverse("agents:channel-new"): [
            "name",
            "kind",
            "address",
            "agent",
            "target",
            *(f"variant-{i}-{f}" for i in range(3) for f in ("target", "weight")),
        ],
        reverse("agents:evals", args=[a]): ["name", "description"],
        reverse("agents:playground", args=[a]): ["message", "target"],
        reverse("agents:prompt-create"): ["name", "description"],
        reverse("agents:start-rollout", args=[channel.public_id]): [
            "candidate",
            "steps",
            "min_conversations",
            "min_minutes",
            "metric",
            "max_drop",
        ],
    }
    if prompt:
        forms[reverse("agents:draft", args=[prompt.public_id])] = [
            "revision",
            "_action",
            "text",
            "variables.__row",
            "variables[0].name",
            "variables[0].type",
            "variables[0].default",
        ]
    if rollout:
        forms[reverse("agents:steer-rollout", args=[rollout.public_id, "pause"])] = ["reason"]
    if suite:
        forms[reverse("agents:eval-case-new", args=[a, suite.public_id])] = [
            "name",
            "messages",
            "contains",
            "not_contains",
            "regex",
            "latency_ms",
            "output_schema",
        ]
        forms[reverse("agents:eval-start-run", args=[a, suite.public_id])] = ["target"]
    if case:
        forms[reverse("agents:eval-case", args=[a, suite.public_id, case.public_id])] = [
            "name",
            "messages",
            "regex",
        ]
    return pages, forms


def run(seconds: float, seed: int = 20261129) -> tuple[bool, str]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    rng = random.Random(seed)
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="demo"))
    pages, forms = _targets()
    requests = 0
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if rng.random() < 0.5:
            page = rng.choice(pages)
            params = rng.sample(QUERY_PARAMS, rng.randint(1, 4))
            query = "&".join(f"{p}={quote(_value(rng), safe='')}" for p in params)
            url, response = f"{page}?{query}", client.get(f"{page}?{query}")
        else:
            url = rng.choice(list(forms))
            fields = forms[url]
            data = {f: _value(rng) for f in rng.sample(fields, rng.randint(1, len(fields)))}
            if "_action" in data and rng.random() < 0.7:
                data["_action"] = rng.choice(ACTIONS)
            extra = {"HTTP_HX_REQUEST": "true"} if rng.random() < 0.5 else {}
            response = client.post(url, data, **extra)
        requests += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url[:200]}")
    report = f"{requests} requests in {seconds:.0f} s, {len(failures)} answered 5xx"
    return not failures, report + "".join(f"\n  {f}" for f in failures[:20])
