"""`manage.py demo_runtime`: a runtime that follows the stream, as a voice runtime
would with the Python client (`clients/python`): `make run` starts it, so the agent
pages show a subscriber and what each release was pushed to.

It signs in with a token of its own (made for the demo user, the previous one
revoked), resolves every released agent once, then keeps them current from the
stream, printing each change it hears.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agents.models import Agent, ApiToken
from agents.services import tokens

TOKEN_NAME = "demo runtime"


class Command(BaseCommand):
    help = "Follow the change stream with the Python client, as a runtime would (demo)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--user", default="demo")
        parser.add_argument(
            "--seconds", type=float, default=None, help="stop after (default: never)"
        )

    def handle(self, *args, url: str, user: str, seconds: float | None, **options):
        from agent_console_client import AgentConsoleError, Client

        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no user {user!r}: run `manage.py seed_demo` first")
        for old in ApiToken.objects.filter(user=owner, name=TOKEN_NAME, revoked_at__isnull=True):
            tokens.revoke_api_token(token=old, user=owner)
        # A superuser's runtime follows every workspace; anyone else's, their own.
        _, secret = tokens.create_api_token(
            user=owner, name=TOKEN_NAME, everywhere=owner.is_superuser
        )
        agents = list(
            Agent.objects.agents()
            .filter(released_version__isnull=False, archived_at__isnull=True)
            .values_list("public_id", flat=True)
        )
        stop_at = None if seconds is None else time.monotonic() + seconds
        with Client(url, secret) as client:
            shown: dict[str, object] = {}
            while stop_at is None or time.monotonic() < stop_at:
                for agent in agents:
                    try:
                        resolved = client.resolve(agent)
                    except AgentConsoleError as exc:
                        self.stdout.write(f"{agent}: {exc}")
                        continue
                    if shown.get(agent) != resolved.version:
                        shown[agent] = resolved.version
                        self.stdout.write(
                            f"{agent}: v{resolved.version} ({resolved.source}, "
                            f"{'stale' if resolved.stale else 'current'}; "
                            f"following: {client.following})",
                        )
                time.sleep(0.5)
