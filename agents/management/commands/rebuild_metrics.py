"""Recompute the metrics kept per day (models/metrics.py) from the conversations: after
conversations were written in bulk outside the services, after a restore, or after
TIME_ZONE changed (days are dates in the console's time zone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agents.models import Agent, Conversation
from agents.services import metrics


class Command(BaseCommand):
    help = (
        "Recompute the per-day metrics of every agent (or of --agent ag_…) from its conversations."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--agent", default="", help="one agent's public id (default: every agent)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["agent"]:
            pk = (
                Agent.objects.filter(public_id=options["agent"])
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                raise CommandError(f"no agent {options['agent']}")
            ids = [pk]
        else:
            ids = list(
                Conversation.objects.order_by().values_list("agent_id", flat=True).distinct()
            )
        rows = metrics.rebuild(ids)
        self.stdout.write(f"Rebuilt the metrics of {len(ids)} agent(s): {rows} day rows.")
