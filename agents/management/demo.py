"""Demo data of the release-management features, for `manage.py seed_demo`: rollouts
driven by simulated callers, a prompt library linked by an agent, an agent imported
from another platform and a webhook, judges, a change request from a branch. Each part
is added once (seed_demo runs at every `make run`)."""

from __future__ import annotations

import json
import random

from django.conf import settings

from agents.models import Agent, Branch, Channel, Judge, Rollout, Webhook
from agents.services import (
    agents,
    branches,
    channels,
    draft_import,
    drafts,
    releases,
    simulation,
    versions,
    webhooks,
)
from agents.services import change_requests as cr_services
from agents.services import judges as judges_services
from agents.services import rollouts as rollouts_services

RECEPTIONIST = "Front Desk Receptionist"
ORDER_STATUS = "Order Status Assistant"
SCHEDULER = "Clinic Appointment Scheduler"
DENTAL = "Riverside Dental Receptionist"


def rollouts(user) -> str:
    """One completed rollout (the shop's lookup tool on its widget) and one rolled
    back by its rule (the scheduler's pushy v3 on the evening line, raising an
    alert), driven by simulated callers through the services — once."""
    if Rollout.objects.exists():
        return ""
    rng = random.Random(7)
    shop = Agent.objects.get(name=ORDER_STATUS)
    widget = channels.create_channel(
        name="Shop chat widget",
        kind="web",
        address="shop.example.com",
        agent=shop,
        target={"version": 1},
        user=user,
    )
    _ramp(widget, shop.versions.get(number=2), user, min_conversations=40, min_minutes=0)
    _until_decided(widget, user, {"v1": 0.78, "v2": 0.92}, rng)
    scheduler = Agent.objects.get(name=SCHEDULER)
    evening = channels.create_channel(
        name="Clinic evening line", kind="phone", agent=scheduler, user=user
    )
    # v3 completes as often as v2 but answers 400 ms slower: its latency guard rolls
    # it back (and the transcripts give the scheduler's judges something to score).
    rollouts_services.start_rollout(
        channel=evening,
        candidate=scheduler.versions.get(number=3),
        steps=[20, 50, 100],
        min_conversations=200,
        min_minutes=30,
        user=user,
        guards=[
            {"metric": "completion_rate", "max_drop": 0.05},
            {"metric": "latency_ms", "max_increase": 150},
            {"metric": "satisfaction", "max_drop": 0.3},
        ],
    )
    _until_decided(evening, user, {"v2": 0.84, "v3": 0.84}, rng, felt=FELT)
    main = Channel.objects.get(agent=scheduler, name="Clinic main line")
    return (
        "Rollouts: one completed on “Shop chat widget”, one rolled back by its latency "
        "guard on “Clinic evening line” (an open alert). To watch one: start a rollout "
        "of v3 on “Clinic main line” with steps 20, 50, 100 and 50 conversations a side, then run\n"
        f"  .venv/bin/python manage.py simulate_traffic --channel {main.public_id} "
        "--conversations 400 --outcomes v2=0.85,v3=0.5"
    )


def _ramp(channel, candidate, user, **pace: int) -> None:
    """A rollout of `candidate` on `channel` in steps of 20, 50 and 100%."""
    rollouts_services.start_rollout(
        channel=channel, candidate=candidate, steps=[20, 50, 100], user=user, **pace
    )


# What the scheduler's callers feel on v2 and on v3 (slower, less liked, less polite).
FELT = {
    "v2": {"latency_ms": 800, "satisfaction": 4.3, "cost": 0.028, "polite": 0.9},
    "v3": {"latency_ms": 1200, "satisfaction": 3.7, "cost": 0.031, "polite": 0.4},
}


def _until_decided(
    channel, user, rates, rng, batch: int = 50, most: int = 4_000, felt=None
) -> None:
    """Simulated callers in batches until the channel's rollout is decided (which
    callers get the candidate depends on the channel's random id, so how many calls
    that takes varies from one demo database to the next)."""
    for _ in range(most // batch):
        tally = simulation.simulate_traffic(
            channel=channel, user=user, conversations=batch, rates=rates, rng=rng, felt=felt
        )
        if tally.rollout is None or tally.rollout.status != Rollout.Status.RUNNING:
            return


def prompt_library(user) -> str:
    """A cancellation-policy prompt with v1 released and v2 waiting, followed by the
    scheduler's draft: releasing v2 shows what changes."""
    if Agent.objects.prompts().exists():
        return ""
    policy = agents.create_agent(
        name="Cancellation policy",
        description="The clinic's cancellation terms, shared by every booking agent.",
        user=user,
        kind=Agent.Kind.PROMPT,
        config={
            "text": "Appointments at {{clinic}} cancelled with less than {{hours}} hours "
            "notice may be charged.",
            "variables": [
                {"name": "clinic", "type": "string", "default": "the clinic"},
                {"name": "hours", "type": "number", "default": 24},
            ],
        },
    )
    v1 = versions.save_version(agent=policy, name="24 hours", user=user)
    releases.release_version(version=v1, user=user, note="Current terms")
    policy.draft.refresh_from_db()
    drafts.update_draft(
        agent=policy,
        user=user,
        config={
            **policy.draft.config,
            "text": policy.draft.config["text"].replace("may be charged", "are charged a fee"),
        },
    )
    versions.save_version(agent=policy, name="Firmer wording", user=user)
    scheduler = Agent.objects.get(name=SCHEDULER)
    scheduler.draft.refresh_from_db()
    values = {"clinic": "Riverside Family Clinic"}
    links = [{"prompt": policy.public_id, "role": "policy", "variables": values}]
    drafts.update_draft(
        agent=scheduler, user=user, config={**scheduler.draft.config, "prompt_links": links}
    )
    return (
        "Prompt library: “Cancellation policy” (v1 released, v2 waiting), followed by the "
        "scheduler's draft; releasing v2 lists what changes."
    )


def config_as_code(user) -> str:
    """An agent brought over from Vapi (its assistant JSON imported into the draft and
    saved as v1), and a webhook told about releases, rollbacks and alerts — once."""
    lines = []
    sample = settings.BASE_DIR / "tests" / "fixtures" / "peers" / "vapi_assistant.json"
    if sample.exists() and not Agent.objects.filter(name=DENTAL).exists():
        dental = agents.create_agent(
            name=DENTAL, description="Brought over from Vapi (its assistant JSON).", user=user
        )
        result = draft_import.import_draft(
            agent=dental, data=json.loads(sample.read_text()), user=user, source="vapi"
        )
        versions.save_version(agent=dental, name="Imported from Vapi", user=user)
        lines.append(
            f"Imported “{DENTAL}” from a Vapi assistant: {len(result.changes.changes)} "
            f"field(s) set, {len(result.unmapped)} not carried over."
        )
    if not Webhook.objects.exists():
        hook = webhooks.create_webhook(
            url="https://hooks.example.com/agent-console",
            events=["release", "rollback", "alert"],
            description="Demo: point it at your own receiver",
            user=user,
        )
        webhooks.send_test_event(webhook=hook, user=user)
        lines.append(
            "Webhook to https://hooks.example.com/agent-console (releases, rollbacks, "
            "alerts) with a test event queued; see Webhooks."
        )
    return "\n".join(lines)


def judges(user) -> str:
    """Two judges on the scheduler — a check (does the agent say please?) and a rubric
    the model applies to a fifth of the calls — scoring the evening line's transcripts."""
    scheduler = Agent.objects.get(name=SCHEDULER)
    if Judge.objects.filter(agent=scheduler).exists():
        return ""
    judges_services.create_judge(
        agent=scheduler,
        user=user,
        name="polite",
        check={"type": "contains", "value": "please"},
    )
    judges_services.create_judge(
        agent=scheduler,
        user=user,
        name="helpful",
        rubric="Did the agent get the caller what they asked for, without detours?",
        sample_rate=0.2,
    )
    scored = 0
    while done := judges_services.run_due_judgements():
        scored += len(done)
    return f"Judges: “polite” and “helpful” on the scheduler scored {scored} transcripts."


BOOKING_LINE = "Help callers book, move or cancel appointments."


def change_requests(user, editor) -> str:
    """A branch `refund-policy` of the scheduler by the Editor, proposed in a change
    request with two comments (one suggesting a wording), approved by the demo user,
    while the main draft changed the same line: one conflict to resolve at merge."""
    scheduler = Agent.objects.get(name=SCHEDULER)
    if Branch.objects.filter(agent=scheduler, name="refund-policy").exists():
        return ""
    scheduler.draft.refresh_from_db()
    lines = scheduler.draft.config["prompt"]["system_prompt"].split("\n")
    if BOOKING_LINE not in lines:
        return ""
    at = lines.index(BOOKING_LINE)
    branches.create_branch(agent=scheduler, name="refund-policy", user=editor)
    proposed = list(lines)
    proposed[at] = "Help callers book, move or cancel appointments, and explain refunds."
    proposed.append("Refunds for cancelled paid visits take 5-7 business days.")
    branch = Branch.objects.get(agent=scheduler, name="refund-policy", deleted_at__isnull=True)
    drafts.update_draft(
        agent=scheduler,
        user=editor,
        config=_with_prompt(branch.config, proposed),
        branch="refund-policy",
    )
    cr = cr_services.open_change_request(
        agent=scheduler,
        branch="refund-policy",
        title="Explain refunds for cancelled visits",
        description="Callers ask about refunds after cancelling; the agent should answer.",
        user=editor,
    )
    cr_services.comment(
        cr=cr,
        user=user,
        body="Say the delay once, in words callers hear easily.",
        path="prompt.system_prompt",
        line=len(proposed),
        suggestion="Refunds for cancelled paid visits take five to seven business days.",
        has_suggestion=True,
    )
    cr_services.comment(
        cr=cr,
        user=user,
        body="Should the welcome message mention refunds too?",
        path="prompt.welcome_message",
    )
    agents.update_agent(agent=scheduler, user=user, reviews_required=1)
    cr_services.review(cr=cr, user=user, verdict="approve", body="Good once the wording lands.")
    # Meanwhile the draft changes the same line: merging asks which wording stays.
    scheduler.draft.refresh_from_db()
    moved = list(lines)
    moved[at] = "Help callers book, move or cancel appointments, and check their insurance."
    drafts.update_draft(
        agent=scheduler, user=user, config=_with_prompt(scheduler.draft.config, moved)
    )
    return (
        f"Change request {cr.public_id} on the scheduler's branch draft:refund-policy: two "
        "comments (one suggestion), one approval, one conflict to resolve."
    )


def _with_prompt(config: dict, lines: list[str]) -> dict:
    return {**config, "prompt": {**config["prompt"], "system_prompt": "\n".join(lines)}}
