"""`python manage.py create_api_token USERNAME [--name NAME]`: prints the token last."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agents.services import tokens


class Command(BaseCommand):
    help = "Create an API token for a user. The token is printed once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        token, secret = tokens.create_api_token(user=user, name=name)
        self.stdout.write(
            f"Created token {token.prefix}… for {username}. Store it now: it is not shown again."
        )
        self.stdout.write(secret)
