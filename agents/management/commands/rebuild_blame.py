"""Recompute the index behind search and blame (models/blame.py) from the revisions:
after revisions were written in bulk outside the services, or after a restore."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agents.models import Agent, DraftRevision
from agents.services import blame


class Command(BaseCommand):
    help = "Recompute what each revision introduced, for every agent (or --agent ag_…)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--agent", default="", help="one agent's public id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["agent"]:
            found = Agent.objects.filter(public_id=options["agent"])
            ids = list(found.values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"no agent {options['agent']}")
        else:
            rows = DraftRevision.objects.order_by().values_list("agent_id", flat=True)
            ids = list(rows.distinct())
        written = blame.rebuild(ids)
        self.stdout.write(f"Indexed the revisions of {len(ids)} agent(s): {written} lines.")
