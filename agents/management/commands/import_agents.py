"""Bring the console in line with a directory of agent bundles (the files
`export_agents` writes, edited and kept in git). Idempotent: unchanged files change
nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from agents.domain.bundles import from_yaml
from agents.domain.exceptions import AgentConsoleError, InvalidInput
from agents.services import bundles

PATTERNS = ("*.yaml", "*.yml", "*.json")


def read_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not readable as JSON: {exc}") from None
    return from_yaml(text)


class Command(BaseCommand):
    help = (
        "Import every bundle in DIR (*.yaml, *.yml, *.json): new agents are created, known "
        "ones (by id, else by name) get the file's new versions, labels and draft."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory")
        parser.add_argument(
            "--user", help="who the changes are recorded as (default: the first superuser)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        user = self._user(options.get("user"))
        files = sorted({p for pattern in PATTERNS for p in directory.glob(pattern)})
        failed = 0
        for path in files:
            try:
                synced = bundles.sync_bundle(bundle=read_file(path), user=user)
            except InvalidInput as exc:
                failed += 1
                problems = "; ".join(f"{e['path'] or '(file)'}: {e['message']}" for e in exc.errors)
                self.stderr.write(f"{path.name}: refused — {problems}")
                continue
            except (ValueError, AgentConsoleError, PermissionDenied) as exc:
                failed += 1
                self.stderr.write(f"{path.name}: refused — {exc}")
                continue
            agent = synced.agent
            if synced.created:
                self.stdout.write(f"{path.name}: created {agent.public_id} “{agent.name}”")
            elif synced.changes:
                self.stdout.write(f"{path.name}: {agent.public_id} " + ", ".join(synced.changes))
            else:
                self.stdout.write(f"{path.name}: {agent.public_id} unchanged")
        self.stdout.write(
            f"Imported {len(files) - failed} of {len(files)} file(s) from {directory}"
        )
        if failed:
            raise CommandError(f"{failed} file(s) refused; nothing was changed for them")

    def _user(self, username: str | None):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"no active user {username!r}") from None
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no superuser to record the import as: pass --user")
        return user
