"""10,000 draft revisions of a 200 KB prompt against 10: the agent page, the console's
timeline and the API's revision list stay flat (target: each ratio <= 1.3)."""

from __future__ import annotations

from bench import harness

TARGET_RATIO = 1.3
PROMPT_BYTES = 200_000
BATCH = 200


def _prompt(n: int) -> str:
    line = f"Revision {n}: answer the caller politely, confirm names and dates, never guess. "
    return (line * (PROMPT_BYTES // len(line) + 1))[:PROMPT_BYTES]


def _agent_with_revisions(name: str, count: int, user):
    """An agent whose draft was saved `count` times, each save a different 200 KB
    prompt. The first saves go through the services; the bulk of a large history
    is written as the services would (one snapshot per content, one revision row
    each), in batches, since 10,000 service calls would take the benchmark's time."""
    from agents.domain import config
    from agents.models import Draft
    from agents.services import agents, drafts

    agent = agents.create_agent(
        name=name, user=user, config={"prompt": {"system_prompt": _prompt(1)}}
    )
    through_services = min(count, 10)
    for n in range(2, through_services + 1):
        agent.draft.refresh_from_db()
        drafts.update_draft(
            agent=agent,
            user=user,
            config=config.merge_patch(
                agent.draft.config, {"prompt": {"system_prompt": _prompt(n)}}
            ),
        )
    agent.draft.refresh_from_db()
    base = agent.draft.config
    document = base
    for start in range(through_services + 1, count + 1, BATCH):
        numbers = range(start, min(start + BATCH, count + 1))
        documents = {
            n: config.merge_patch(base, {"prompt": {"system_prompt": _prompt(n)}}) for n in numbers
        }
        harness.write_revisions(agent, user, documents)
        document = documents[numbers[-1]]
    if count > through_services:
        Draft.objects.filter(agent=agent).update(
            revision=count, config=document, content_hash=config.content_hash(document)
        )
    return agent


def run(rounds: int = 40) -> dict:
    from django.test import Client
    from django.urls import reverse

    from agents.services import tokens

    user = harness.superuser("bench-rev")
    small, large, built = harness.small_and_large(
        _agent_with_revisions, user, ("Ten revisions", 10), ("Ten thousand revisions", 10_000)
    )
    _, token = tokens.create_api_token(user=user, name="bench")
    client = Client()
    client.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def getter(http, url):
        def get():
            response = http.get(url)
            assert response.status_code == 200, response.status_code

        return get

    cases = {}
    for label, agent in (("10", small), ("10000", large)):
        pid = agent.public_id
        cases[f"page {label}"] = getter(client, reverse("agents:detail", args=[pid]))
        cases[f"timeline {label}"] = getter(
            client, reverse("agents:revisions-more", args=[pid]) + "?page=1"
        )
        # One page of 10 each: both answer as many rows, so the ratio is the cost
        # of the history's length, not of a longer page.
        cases[f"api {label}"] = getter(api, f"/api/v1/agents/{pid}/revisions?limit=10")
    samples = harness.interleaved(cases, rounds=rounds)
    rows, ok = [], True
    for what, title in (
        ("page", "agent page"),
        ("timeline", "revision timeline (console)"),
        ("api", "GET /agents/{id}/revisions"),
    ):
        few, many = (
            harness.median_ms(samples[f"{what} 10"]),
            harness.median_ms(samples[f"{what} 10000"]),
        )
        ratio = many / few
        ok = ok and ratio <= TARGET_RATIO
        rows += [
            (f"{title}: 10 revisions, median", f"{few:.2f} ms"),
            (f"{title}: 10,000 revisions, median", f"{many:.2f} ms"),
            (f"{title}: ratio (target <= {TARGET_RATIO})", f"{ratio:.2f}"),
        ]
    rows.append(("building 10,000 revisions of a 200 KB prompt", f"{built:.0f} s"))
    return {"name": "draft revisions, 10,000 vs 10 (200 KB prompt)", "rows": rows, "ok": ok}
