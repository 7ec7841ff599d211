"""Write every agent as a YAML bundle, one file per agent, for keeping them in git."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from agents.domain.bundles import to_yaml
from agents.models import Agent
from agents.selectors import agents, bundles


def file_name(agent: Agent) -> str:
    """`front-desk-receptionist.ag_xxxxxxxxxx.yaml`: readable, and unique by the id."""
    slug = re.sub(r"[^a-z0-9]+", "-", agent.name.lower()).strip("-")[:60] or "agent"
    return f"{slug}.{agent.public_id}.yaml"


class Command(BaseCommand):
    help = "Export every agent (archived ones too) as DIR/<name>.<id>.yaml bundles."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", help="where to write the files (created if needed)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for agent in Agent.objects.agents().order_by("name", "id"):
            bundle = bundles.export_bundle(agents.agent_for_page(agent.public_id))
            (directory / file_name(agent)).write_text(to_yaml(bundle), encoding="utf-8")
            count += 1
        self.stdout.write(f"Exported {count} agent(s) to {directory}")
