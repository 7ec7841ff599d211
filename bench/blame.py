"""Search and blame over 10,000 revisions of a 20 KB prompt (target on PostgreSQL:
each ≤ 300 ms): "which revision introduced `refund`?", and every line of the prompt
with the revision that wrote it, at the draft and at an old revision."""

from __future__ import annotations

import random

from bench import harness

TARGET_MS = 300.0
REVISIONS = 10_000
LINES = 250  # about 20 KB
BATCH = 200


def _line(i: int, n: int) -> str:
    return f"Rule {i}: confirm the caller's name and date of birth before booking (edit {n})."


def _agent_with_history(user):
    """An agent whose draft was saved REVISIONS times, each save rewriting one line of a
    20 KB prompt (a refund rule comes in at the middle). Written as the services write
    them, in batches, then indexed once (services/blame.rebuild), since 10,000
    service calls would take the benchmark's time."""
    from agents.domain import config
    from agents.models import Draft
    from agents.services import agents, blame

    lines = [_line(i, 0) for i in range(LINES)]
    agent = agents.create_agent(
        name="Blamed line", user=user, config={"prompt": {"system_prompt": "\n".join(lines)}}
    )
    base = Draft.objects.get(agent=agent).config
    rng = random.Random(5)
    document = base
    for start in range(2, REVISIONS + 1, BATCH):
        numbers = range(start, min(start + BATCH, REVISIONS + 1))
        documents = {}
        for n in numbers:
            i = rng.randrange(LINES)
            lines[i] = _line(i, n)
            if n == REVISIONS // 2:
                lines[i] = f"Rule {i}: refunds for cancelled visits take five to seven days."
            documents[n] = config.merge_patch(base, {"prompt": {"system_prompt": "\n".join(lines)}})
        harness.write_revisions(agent, user, documents)
        document = documents[numbers[-1]]
    Draft.objects.filter(agent=agent).update(
        revision=REVISIONS, config=document, content_hash=config.content_hash(document)
    )
    indexed = blame.rebuild([agent.pk])
    return agent, indexed


def run(rounds: int = 20) -> dict:
    import time

    from agents.models import Agent
    from agents.selectors import blame

    user = harness.superuser("bench-blame")
    started = time.perf_counter()
    agent, indexed = _agent_with_history(user)
    built = time.perf_counter() - started
    agent = Agent.objects.get(pk=agent.pk)
    hits = blame.search(agent, "refund")
    assert hits, "the refund rule is not found"
    assert hits[0].revision == REVISIONS // 2, hits[:1]
    cases = {
        "search": lambda: blame.search(agent, "refund"),
        "blame at the draft": lambda: blame.blame_text(agent, "prompt.system_prompt"),
        "blame at r5000": lambda: blame.blame_text(agent, "prompt.system_prompt", "r5000"),
    }
    samples = harness.interleaved(cases, rounds=rounds)
    found = {name: harness.median_ms(samples[name]) for name in cases}
    ok = all(ms <= TARGET_MS for ms in found.values())
    lines = blame.blame_text(agent, "prompt.system_prompt").lines
    rows = [
        *((f"{name}, median", f"{ms:.1f} ms") for name, ms in found.items()),
        (f"… target ≤ {TARGET_MS:.0f} ms each", "met" if ok else "MISSED"),
        ("lines blamed (20 KB prompt)", f"{len(lines)} ({sum(1 for x in lines if x.since)} named)"),
        ("index rows for 10,000 revisions", f"{indexed:,}"),
        ("building and indexing the history", f"{built:.0f} s"),
    ]
    return {"name": "search and blame, 10,000 revisions of a 20 KB prompt", "rows": rows, "ok": ok}
