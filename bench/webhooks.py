"""A receiver that is down never slows a release: releasing (and rolling back) with
ten webhooks subscribed to a receiver that accepts connections and never answers,
against none. A release only writes its deliveries and their jobs, in its own
transaction; sending is the worker's, and one try at that receiver waits the whole
WEBHOOK_TIMEOUT_SECONDS (timed here too). Target: the release with ten webhooks
takes at most 1% of one such try (it never waits for the receiver); the cost of
recording the deliveries is reported beside it.
"""

from __future__ import annotations

import socket
import threading
import time

from bench import harness

TARGET_SHARE = 0.01
HOOKS = 10


def _hanging_receiver() -> tuple[socket.socket, str]:
    """Accepts connections and never answers (a receiver that is down but reachable)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/hooks"


def run(rounds: int = 40) -> dict:
    from django.conf import settings

    from agents.models import Delivery, Webhook
    from agents.services import agents, drafts, releases, webhooks
    from agents.services import versions as versions_services
    from agents.services.webhook_delivery import deliver

    settings.WEBHOOK_ALLOW_PRIVATE = True
    user = harness.superuser("bench-hooks")
    server, url = _hanging_receiver()
    quiet = agents.create_agent(name="No webhooks", user=user)
    loud = agents.create_agent(name="Ten webhooks", user=user)
    pairs = {}
    for agent in (quiet, loud):
        versions = []
        for n in (1, 2):
            drafts.update_draft(
                agent=agent, user=user, config={"prompt": {"welcome_message": f"Hi {n}"}}
            )
            versions.append(versions_services.save_version(agent=agent, name=f"v{n}", user=user))
        pairs[agent.pk] = versions

    def flip(agent):
        state = {"next": 0}

        def release() -> None:
            version = pairs[agent.pk][state["next"]]
            releases.release_version(version=version, user=user, note="bench")
            state["next"] = 1 - state["next"]

        return release

    for _ in range(HOOKS):
        webhooks.create_webhook(url=url, events=["release", "rollback"], user=user)
    hooks = Webhook.objects.all()

    # Webhooks are installation-wide: they are switched off (untimed) for the release
    # measured without them, and on for the other, round by round so drift hits both.
    quiet_release, loud_release = flip(quiet), flip(loud)
    samples: dict[str, list[float]] = {"none": [], "ten": []}
    for index in range(rounds + 3):
        hooks.update(active=False)
        start = time.perf_counter()
        quiet_release()
        elapsed = time.perf_counter() - start
        hooks.update(active=True)
        if index >= 3:
            samples["none"].append(elapsed)
        start = time.perf_counter()
        loud_release()
        if index >= 3:
            samples["ten"].append(time.perf_counter() - start)
    without, with_hooks = harness.median_ms(samples["none"]), harness.median_ms(samples["ten"])
    queued = Delivery.objects.filter(status="pending").count()
    one = Delivery.objects.filter(status="pending").order_by("pk").first()
    started = time.perf_counter()
    outcome = deliver(one.pk)
    worker_try = time.perf_counter() - started
    server.close()
    share = with_hooks / 1000 / worker_try
    return {
        "name": f"release with {HOOKS} webhooks to a receiver that never answers vs none",
        "rows": [
            ("release, no webhooks, median", f"{without:.2f} ms"),
            (f"release, {HOOKS} webhooks subscribed, median", f"{with_hooks:.2f} ms"),
            ("recording cost per subscribed webhook", f"{(with_hooks - without) / HOOKS:.2f} ms"),
            ("one worker try at the hanging receiver", f"{worker_try:.2f} s ({outcome})"),
            (f"release / one try (target <= {TARGET_SHARE})", f"{share:.4f}"),
            ("deliveries queued for the worker", f"{queued}"),
        ],
        "ok": share <= TARGET_SHARE,
    }
