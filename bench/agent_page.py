"""Agent page time with 1,000 versions against 10 versions (target: ratio <= 1.5)."""

from __future__ import annotations

from bench import harness

TARGET_RATIO = 1.5


def _agent_with_versions(name: str, count: int, user):
    from agents.domain.config import merge_patch
    from agents.services import agents, drafts, releases, versions

    agent = agents.create_agent(name=name, user=user)
    for number in range(1, count + 1):
        agent.draft.refresh_from_db()
        drafts.update_draft(
            agent=agent,
            user=user,
            config=merge_patch(agent.draft.config, {"prompt": {"welcome_message": f"Hi {number}"}}),
        )
        version = versions.save_version(agent=agent, name=f"Change {number}", user=user)
        if number % 50 == 0:
            releases.release_version(version=version, user=user)
    return agent


def run(rounds: int = 60) -> dict:
    from django.test import Client
    from django.urls import reverse

    user = harness.superuser("bench")
    small, large, _ = harness.small_and_large(
        _agent_with_versions, user, ("Ten versions", 10), ("Thousand versions", 1000)
    )
    client = Client()
    client.force_login(user)

    def page(agent):
        url = reverse("agents:detail", args=[agent.public_id])

        def get():
            response = client.get(url)
            assert response.status_code == 200

        return get

    samples = harness.interleaved({"10": page(small), "1000": page(large)}, rounds=rounds)
    ten, thousand = harness.median_ms(samples["10"]), harness.median_ms(samples["1000"])
    ratio = thousand / ten
    return {
        "name": "agent page, 1,000 vs 10 versions",
        "rows": [
            ("10 versions, median", f"{ten:.2f} ms"),
            ("1,000 versions, median", f"{thousand:.2f} ms"),
            ("ratio (target <= 1.5)", f"{ratio:.2f}"),
        ],
        "ok": ratio <= TARGET_RATIO,
    }
