"""Demo data for a first look: two workspaces (Clinic, Shop) with agents in each
status, their teams, and a login.

Idempotent: agents that already exist (by name) are left as they are, and the
demo users' passwords are reset to the printed one.
"""

from __future__ import annotations

import copy
import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agents.domain.config import merge_patch
from agents.management import demo
from agents.models import (
    Agent,
    Channel,
    Conversation,
    EvalSuite,
    Label,
    Membership,
    Workspace,
    scoping,
)
from agents.services import (
    agents,
    approvals,
    channels,
    conversations,
    drafts,
    eval_runner,
    evals,
    labels,
    metrics,
    schedules,
)
from agents.services import releases as releases_services
from agents.services import versions as versions_services

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-console"
EDITOR_USERNAME = "ann"  # an editor in both workspaces
CLINIC, SHOP = "Clinic", "Shop"
# Who works where, with which role (besides the superuser `demo`).
TEAM = {
    EDITOR_USERNAME: {CLINIC: "editor", SHOP: "editor"},
    "kim": {CLINIC: "admin"},
    "sam": {SHOP: "releaser"},
}

RECEPTIONIST = demo.RECEPTIONIST
ORDER_STATUS = demo.ORDER_STATUS
SCHEDULER = demo.SCHEDULER

_SCHEDULER_BASE: dict[str, Any] = {
    "prompt": {
        "system_prompt": (
            "You are the phone assistant of Riverside Family Clinic.\n"
            "Help callers book, move or cancel appointments.\n"
            "Always confirm the patient's full name and date of birth.\n"
            "Never give medical advice; offer to transfer to a nurse instead."
        ),
        "welcome_message": "Thanks for calling Riverside Family Clinic. How can I help?",
    },
    "llm": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.4},
    "voice": {"tts_provider": "elevenlabs", "tts_voice": "rachel", "language": "en-US"},
    "background_sound": {"preset": "office", "volume": 0.2},
    "knowledge": [{"knowledge_base_id": "kb_clinic_faq", "top_k": 4, "min_score": 0.6}],
    "tools": [
        {
            "name": "find_slots",
            "description": "Look up free appointment slots for a date range.",
            "type": "webhook",
            "url": "https://scheduling.example.com/api/slots",
            "method": "GET",
            "parameters": {
                "type": "object",
                "properties": {
                    "from_date": {"type": "string", "format": "date"},
                    "to_date": {"type": "string", "format": "date"},
                },
                "required": ["from_date"],
            },
            "secret_ref": "SCHEDULING_API_KEY",
        },
        {
            "name": "transfer_to_nurse",
            "description": "Transfer the caller to the nurse line.",
            "type": "transfer_call",
        },
    ],
    "call_analysis": {
        "prompt": "Summarize the call and extract what was booked.",
        "fields": [
            {"name": "booked", "type": "boolean", "description": "Was an appointment booked?"},
            {
                "name": "reason",
                "type": "enum",
                "description": "Why the caller called",
                "choices": ["book", "reschedule", "cancel", "other"],
            },
        ],
    },
}


class Command(BaseCommand):
    help = "Load demo agents (unpublished, published, with unpublished changes) and a login."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            user = self._demo_user()
            homes = self._workspaces()
            self._team(homes)
            created = []
            for name, build, home in (
                (RECEPTIONIST, self._receptionist, SHOP),
                (ORDER_STATUS, self._order_status, SHOP),
                (SCHEDULER, self._scheduler, CLINIC),
            ):
                if not Agent.objects.filter(name=name).exists():
                    with scoping.within(None, homes[home].pk):
                        build(user)
                    created.append(name)
            # The rest (prompts, webhooks, the imported agent) is the clinic's.
            with scoping.within(None, homes[CLINIC].pk):
                lines = [
                    self._traffic(user),
                    self._evals(user),
                    self._release_management(user),
                    demo.rollouts(user),
                    demo.judges(user),
                    demo.prompt_library(user),
                    demo.config_as_code(user),
                    demo.change_requests(user, self._editor()),
                ]
        if created:
            self.stdout.write(f"Created demo agents: {', '.join(created)}")
        else:
            self.stdout.write("Demo agents already present.")
        for line in lines:
            if line:
                self.stdout.write(line)
        team = "; ".join(
            f"{name}: " + ", ".join(f"{role} in {home}" for home, role in seats.items())
            for name, seats in TEAM.items()
        )
        self.stdout.write(
            f"Workspaces {CLINIC!r} and {SHOP!r}; the same password for their team ({team})."
        )
        self.stdout.write(
            f"Log in as username {DEMO_USERNAME!r} password {DEMO_PASSWORD!r}"
            f" (or {EDITOR_USERNAME!r}, an Editor, with the same password)"
        )

    def _traffic(self, user) -> str:
        """Channels (one A/B) and a few thousand ended conversations, once."""
        scheduler = Agent.objects.filter(name=SCHEDULER).first()
        if scheduler is None or Channel.objects.filter(agent=scheduler).exists():
            return ""
        channels.create_channel(
            name="Clinic main line",
            kind="phone",
            address="+1 555 0100",
            agent=scheduler,
            user=user,
        )
        ab = channels.create_channel(
            name="Booking widget A/B",
            kind="web",
            address="clinic.example.com",
            agent=scheduler,
            user=user,
            variants=[
                {"target": "released", "weight": 80},
                {"target": {"version": 3}, "weight": 20},
            ],
        )
        versions = {v.number: v for v in scheduler.versions.all()}
        # How each version tends to go: (conversations, completion, mean duration, sentiment).
        profiles = {1: (600, 0.71, 210, 0.15), 2: (1500, 0.82, 180, 0.35), 3: (700, 0.82, 165, 0.1)}
        # What callers feel: (median latency ms, mean rating, cost per conversation).
        # v3 completes as often as v2 but answers 400 ms slower and is liked less.
        felt = {1: (950, 3.9, 0.030), 2: (800, 4.3, 0.028), 3: (1200, 3.7, 0.031)}
        rng = random.Random(42)
        now = timezone.now()
        rows = []
        for number, (count, completion, duration, sentiment) in profiles.items():
            version = versions[number]
            latency, liked, cost = felt[number]
            for i in range(count):
                started = now - timedelta(days=14 * rng.random(), minutes=rng.randint(0, 600))
                outcome = (
                    "completed"
                    if rng.random() < completion
                    else rng.choice(["transferred", "abandoned", "failed"])
                )
                seconds = max(5.0, rng.gauss(duration, duration / 3))
                rows.append(
                    Conversation(
                        agent=scheduler,
                        version=version,
                        content_hash=version.content_hash,
                        channel_ref=ab.public_id if number == 3 or i % 4 == 0 else "",
                        variant="v3" if number == 3 else "",
                        key=f"+1555{rng.randint(0, 9_999_999):07d}",
                        started_at=started,
                        ended_at=started + timedelta(seconds=seconds),
                        outcome=outcome,
                        duration_s=round(seconds, 1),
                        sentiment=max(-1.0, min(1.0, rng.gauss(sentiment, 0.35))),
                        automated=outcome == "completed" and rng.random() < 0.9,
                        analysis={"booked": outcome == "completed"},
                        latency_ms=round(latency * rng.lognormvariate(0, 0.25), 1),
                        satisfaction=max(1, min(5, round(rng.gauss(liked, 0.8)))),
                        cost=round(max(0.0, rng.gauss(cost, 0.004)), 4),
                    )
                )
        Conversation.objects.bulk_create(rows, batch_size=500)
        metrics.rebuild([scheduler.pk])  # written in bulk: their days counted at once
        # Three calls a runtime answered from its cache while the console was down.
        main = Channel.objects.get(agent=scheduler, name="Clinic main line")
        for minutes in (125, 120, 115):
            call, _ = channels.record_offline_conversation(
                on=main, version=2, started_at=now - timedelta(minutes=minutes), user=user
            )
            conversations.end_conversation(conversation=call, user=user, outcome="completed")
        return f"Created 2 channels and {len(rows) + 3} demo conversations (3 offline)."

    def _evals(self, user) -> str:
        """An eval suite on the scheduler, run on v2, v3 and the draft, and the release
        gate on: v3 shows a regression against v2, and releasing it needs an override."""
        scheduler = Agent.objects.filter(name=SCHEDULER).first()
        if scheduler is None or EvalSuite.objects.filter(agent=scheduler).exists():
            return ""
        suite = evals.create_eval_suite(
            agent=scheduler,
            name="Scheduling basics",
            description="What every version must still do.",
            user=user,
            cases=[
                {
                    "name": "Offers to look up free slots",
                    "messages": [{"role": "user", "content": "I need an appointment next week."}],
                    "checks": [
                        {"type": "contains", "value": "find_slots"},
                        {"type": "latency_ms", "value": 2000},
                    ],
                },
                {
                    "name": "Sends medical questions to a nurse",
                    "messages": [
                        {"role": "user", "content": "I have a medical question about a rash."}
                    ],
                    "checks": [
                        {"type": "contains", "value": "nurse"},
                        {"type": "not_contains", "value": "diagnosis"},
                    ],
                },
                {
                    "name": "Does not lecture about cancellations",
                    "messages": [
                        {"role": "user", "content": "Hi, are there fees for cancellations?"}
                    ],
                    "checks": [
                        {"type": "not_contains", "value": "24 hours"},
                        {"type": "regex", "value": r"^You said"},
                    ],
                },
            ],
        )
        for target in ("2", "3", "draft"):
            run = evals.start_eval_run(suite=suite, target=target, user=user)
            eval_runner.execute_eval_run(run_id=run.pk)
        agents.update_agent(agent=scheduler, user=user, require_passing_eval=True)
        return "Created an eval suite with 3 runs; the scheduler's release gate is on."

    def _release_management(self, user) -> str:
        """A staging label, an agent whose releases need one approval with a request
        waiting, and a release scheduled for tomorrow morning — once."""
        scheduler = Agent.objects.get(name=SCHEDULER)
        if Label.objects.filter(agent=scheduler).exists():
            return ""
        labels.move_label(
            agent=scheduler,
            name="staging",
            version=scheduler.versions.get(number=3),
            user=user,
            note="The test line tries the cancellation policy",
        )
        editor = self._editor()
        shop = Agent.objects.get(name=ORDER_STATUS)
        shop.draft.refresh_from_db()
        drafts.update_draft(
            agent=shop,
            user=editor,
            config=merge_patch(
                shop.draft.config, {"prompt": {"welcome_message": "Hi! Got an order number?"}}
            ),
        )
        v3 = versions_services.save_version(agent=shop, name="Friendlier greeting", user=editor)
        # The draft goes back to what is live while v3 waits for its review.
        versions_services.restore_version(version=shop.versions.get(number=2), user=editor)
        agents.update_agent(agent=shop, user=user, approvals_required=1)
        approvals.request_release(
            agent=shop, version=v3, user=editor, note="Shorter greeting, tested in the playground"
        )
        front = Agent.objects.get(name=RECEPTIONIST)
        first = versions_services.save_version(agent=front, name="First launch", user=user)
        morning = (timezone.now() + timedelta(days=1)).replace(
            hour=6, minute=0, second=0, microsecond=0
        )
        schedules.schedule_release(
            agent=front, version=first, at=morning, user=user, note="Live before the morning calls"
        )
        return (
            "Release management: a staging label, a release request waiting for approval "
            f"(by {EDITOR_USERNAME!r}), and a release scheduled for {morning:%Y-%m-%d %H:%M} UTC."
        )

    def _workspaces(self) -> dict[str, Workspace]:
        """Clinic and Shop; an installation's "Default" workspace, when it holds nothing
        yet, becomes the clinic's."""
        default = Workspace.objects.filter(name="Default").first()
        unused = default is not None and not Agent.objects.filter(workspace=default).exists()
        if unused and not Workspace.objects.filter(name=CLINIC).exists():
            default.name = CLINIC
            default.save(update_fields=["name"])
        return {name: Workspace.objects.get_or_create(name=name)[0] for name in (CLINIC, SHOP)}

    def _team(self, homes: dict[str, Workspace]) -> None:
        for username, seats in TEAM.items():
            person, _ = get_user_model().objects.get_or_create(username=username)
            person.set_password(DEMO_PASSWORD)
            person.save()
            for home, role in seats.items():
                Membership.objects.update_or_create(
                    workspace=homes[home], user=person, defaults={"role": role}
                )

    def _editor(self):
        return get_user_model().objects.get(username=EDITOR_USERNAME)

    def _demo_user(self):
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _receptionist(self, user) -> None:
        agents.create_agent(
            name=RECEPTIONIST,
            description="Answers the main line and routes callers. Not live yet.",
            user=user,
            config={
                "prompt": {
                    "system_prompt": "You are the receptionist of Acme Corp. Route callers "
                    "to sales, support or billing.",
                    "welcome_message": "Acme Corp, good morning!",
                },
                "tools": [{"name": "hang_up", "type": "end_call", "description": "End the call."}],
            },
        )

    def _order_status(self, user) -> None:
        agent = agents.create_agent(
            name=ORDER_STATUS,
            description="Chat widget on the shop: where is my order?",
            user=user,
            config={
                "prompt": {"system_prompt": "You help shoppers track their orders."},
                "llm": {"provider": "anthropic", "model": "claude-3-5-haiku", "temperature": 0.2},
            },
        )
        v1 = versions_services.save_version(agent=agent, name="First launch", user=user)
        releases_services.release_version(version=v1, user=user, note="Launch")
        draft = agent.draft
        draft.refresh_from_db()
        drafts.update_draft(
            agent=agent,
            user=user,
            config=merge_patch(
                draft.config,
                {
                    "tools": [
                        {
                            "name": "lookup_order",
                            "description": "Find an order by number.",
                            "url": "https://shop.example.com/api/orders",
                            "method": "GET",
                            "parameters": {
                                "type": "object",
                                "properties": {"order_number": {"type": "string"}},
                                "required": ["order_number"],
                            },
                        }
                    ]
                },
            ),
        )
        v2 = versions_services.save_version(
            agent=agent,
            name="Order lookup tool",
            description="Looks orders up instead of asking for screenshots.",
            user=user,
        )
        releases_services.release_version(version=v2, user=user)

    def _scheduler(self, user) -> None:
        agent = agents.create_agent(
            name=SCHEDULER,
            description="Books, moves and cancels appointments by phone.",
            user=user,
            config=copy.deepcopy(_SCHEDULER_BASE),
        )
        edits: list[tuple[str, str, dict[str, Any]]] = [
            ("Initial version", "Booking and transfers.", {}),
            (
                "Warmer voice",
                "Switched voice and slowed down interruptions.",
                {
                    "voice": {"tts_voice": "bella"},
                    "conversation": {"interruption_threshold_ms": 450},
                },
            ),
            (
                "Cancellation policy",
                "Mentions the 24-hour cancellation policy.",
                {
                    "prompt": {
                        "system_prompt": _SCHEDULER_BASE["prompt"]["system_prompt"]
                        + "\nRemind callers that cancellations need 24 hours' notice."
                    },
                    "llm": {"temperature": 0.7},
                },
            ),
        ]
        versions = []
        for name, description, patch in edits:
            agent.draft.refresh_from_db()
            drafts.update_draft(
                agent=agent, user=user, config=merge_patch(agent.draft.config, patch)
            )
            versions.append(
                versions_services.save_version(
                    agent=agent, name=name, description=description, user=user
                )
            )
            releases_services.release_version(version=versions[-1], user=user)
        releases_services.release_version(
            version=versions[1], user=user, note="v3 sounded pushy about cancellations"
        )
        agent.draft.refresh_from_db()
        drafts.update_draft(
            agent=agent,
            user=user,
            config=merge_patch(agent.draft.config, {"llm": {"temperature": 0.3}}),
        )
