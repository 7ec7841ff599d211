"""`python manage.py create_api_token USERNAME [--workspace ws_…] [--role ROLE]
[--expires-in-days N] [--name NAME]`: prints the token last."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agents.domain.exceptions import AgentConsoleError, InvalidInput
from agents.domain.permissions import ROLE_NAMES
from agents.services import tokens


class Command(BaseCommand):
    help = (
        "Create an API token for a user, acting in one workspace with at most their role "
        "there. The token is printed once, alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument(
            "--workspace", default="", help="ws_…: where it acts (the user's only one by default)"
        )
        parser.add_argument(
            "--role", choices=ROLE_NAMES, default=None, help="a ceiling below the user's role"
        )
        parser.add_argument("--expires-in-days", type=int, default=None, help="refused after")
        parser.add_argument(
            "--everywhere", action="store_true", help="a superuser's token for every workspace"
        )

    def handle(self, *args, username: str, name: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be 1 or more.")
        try:
            token, secret = tokens.create_api_token(
                user=user,
                name=name,
                workspace=options["workspace"] or None,
                role=options["role"],
                expires_at=None if days is None else timezone.now() + timedelta(days=days),
                everywhere=options["everywhere"],
            )
        except InvalidInput as exc:
            raise CommandError(
                "; ".join(f"{e['path']} {e['message']}" for e in exc.errors)
            ) from None
        except (AgentConsoleError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        where = token.workspace.name if token.workspace else "every workspace"
        self.stdout.write(
            f"Created token {token.prefix}… for {username} in {where}. "
            "Store it now: it is not shown again."
        )
        self.stdout.write(secret)
