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
