"""A large bundle imports well inside a worker's timeout: `POST /agents/import` of an
agent with 3,500 versions (about 540 KB of JSON), through the service the API calls.
Versions are appended one insert each, without a draft save per version; the old
path (a draft save and a version save per version, as the console does by hand) is
timed on a sample beside it. Target: the 3,500 versions in at most a third of the
30 s worker timeout (10 s), so the request never runs into it.
"""

from __future__ import annotations

import json
import time

from bench import harness

TARGET_S = 10.0
VERSIONS = 3_500
SAMPLE = 150


def _bundle(versions: int) -> dict:
    from agents.domain.config import content_hash, normalize

    rows = []
    for n in range(1, versions + 1):
        document = normalize({"prompt": {"welcome_message": f"Hello, caller number {n}."}})
        rows.append(
            {
                "number": n,
                "name": f"Change {n}",
                "description": "Tuned the greeting.",
                "config": document,
                "content_hash": content_hash(document),
            }
        )
    return {
        "format": "agent-console/1",
        "agent": {"name": "Large history"},
        "draft": {"config": rows[-1]["config"]},
        "versions": rows,
        "labels": {"released": versions},
    }


def run() -> dict:

    from agents.services import agents, bundles, drafts
    from agents.services import versions as versions_services

    user = harness.superuser("bench-bundles")
    bundle = _bundle(VERSIONS)
    size_kb = len(json.dumps(bundle)) / 1000
    started = time.perf_counter()
    agent = bundles.import_bundle(bundle=bundle, user=user)
    bulk_s = time.perf_counter() - started
    assert agent.versions.count() == VERSIONS

    one_by_one = agents.create_agent(name="One by one", user=user)
    sample = _bundle(SAMPLE)["versions"]
    started = time.perf_counter()
    for version in sample:
        drafts.update_draft(agent=one_by_one, config=version["config"], user=user)
        versions_services.save_version(agent=one_by_one, name=version["name"], user=user)
    per_version_old = (time.perf_counter() - started) / SAMPLE
    per_version_new = bulk_s / VERSIONS
    return {
        "name": f"import a bundle of {VERSIONS:,} versions",
        "rows": [
            ("bundle size", f"{size_kb:.0f} KB"),
            (f"import, {VERSIONS:,} versions (target <= {TARGET_S:g} s)", f"{bulk_s:.2f} s"),
            ("per version, appended", f"{per_version_new * 1000:.2f} ms"),
            ("per version, draft save + version save", f"{per_version_old * 1000:.2f} ms"),
            ("old path / appended", f"{per_version_old / per_version_new:.1f}x"),
            (
                f"old path for {VERSIONS:,} versions (estimated)",
                f"{per_version_old * VERSIONS:.1f} s",
            ),
        ],
        "ok": bulk_s <= TARGET_S,
    }
