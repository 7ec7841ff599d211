"""`manage.py create_api_token USER`: the token printed once, alone on the last line."""

import pytest
from django.core.management import CommandError, call_command

from agents.models import ApiToken
from tests.helpers import Api

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_the_token_alone_on_the_last_line(capsys, user, client):
    call_command("create_api_token", user.username, "--name", "ci")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("ac_")
    assert " " not in last
    assert Api(client, last).get("/agents").status_code == 200
    assert ApiToken.objects.get().name == "ci"


def test_an_unknown_user_is_refused_and_nothing_is_created():
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("create_api_token", "nobody")
    assert not ApiToken.objects.exists()


def test_a_token_for_a_workspace_with_a_lower_role_and_an_expiry(capsys, user, client):
    from agents.models import Workspace

    home = user.memberships.get().workspace
    call_command(
        "create_api_token",
        user.username,
        "--workspace",
        home.public_id,
        "--role",
        "viewer",
        "--expires-in-days",
        "7",
    )
    api = Api(client, capsys.readouterr().out.strip().splitlines()[-1])
    token = ApiToken.objects.get()
    assert (token.workspace, token.role) == (home, "viewer")
    assert token.expires_at is not None
    assert api.get("/agents").status_code == 200
    assert api.post("/agents", {"name": "x"}).status_code == 403  # a viewer, here
    theirs = Workspace.objects.create(name="Shop")
    with pytest.raises(CommandError, match=f"workspace No workspace {theirs.public_id}"):
        call_command("create_api_token", user.username, "--workspace", theirs.public_id)
    with pytest.raises(CommandError, match="only a superuser"):
        call_command("create_api_token", user.username, "--everywhere")
    with pytest.raises(CommandError, match="1 or more"):
        call_command("create_api_token", user.username, "--expires-in-days", "0")
    assert ApiToken.objects.count() == 1
