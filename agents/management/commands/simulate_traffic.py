"""Drive real conversations through a channel: `--outcomes v2=0.8,v3=0.6` gives each
version's completion rate, so a rollout can be watched advancing or rolling back."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agents.domain.exceptions import AgentConsoleError
from agents.selectors import channels
from agents.services import simulation


def parse_outcomes(text: str) -> dict[str, float]:
    """`v2=0.8,v3=0.6` → {"v2": 0.8, "v3": 0.6}; CommandError on anything else."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        label, _, value = part.partition("=")
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not label.strip() or not 0 <= rate <= 1:
            raise CommandError(f"--outcomes: {part!r} is not like v2=0.8 (a rate from 0 to 1)")
        rates[label.strip().lower()] = rate
    return rates


class Command(BaseCommand):
    help = "Start and end N conversations on a channel with completion rates per version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--channel", required=True, help="ch_… public id")
        parser.add_argument("--conversations", type=int, default=200)
        parser.add_argument(
            "--outcomes", default="", help="completion rate per version: v2=0.8,v3=0.6"
        )
        parser.add_argument("--default-rate", type=float, default=0.8)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--user", default="", help="who starts them (default: a superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            channel = channels.channel(options["channel"])
        except AgentConsoleError as exc:
            raise CommandError(exc.message) from None
        count = options["conversations"]
        if not 1 <= count <= 1_000_000:
            raise CommandError("--conversations must be 1 to 1,000,000")
        rates = parse_outcomes(options["outcomes"])
        default = options["default_rate"]
        if not 0 <= default <= 1:
            raise CommandError("--default-rate must be from 0 to 1")
        users = get_user_model().objects
        user = (
            users.filter(username=options["user"]).first()
            if options["user"]
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("no such user (give --user USERNAME)")
        tally = simulation.simulate_traffic(
            channel=channel,
            user=user,
            conversations=count,
            rates=rates,
            default_rate=default,
            rng=random.Random(options["seed"]),
        )
        for label, (total, done) in sorted(tally.served.items()):
            self.stdout.write(f"{label}: {total} conversations, {done} completed")
        rollout = tally.rollout
        if rollout is not None:
            self.stdout.write(
                f"rollout {rollout.public_id}: {rollout.get_status_display()} at {rollout.weight}%"
            )
