"""`manage.py demo_runtime`: the Python client following a live console, as
`make run` starts it."""

import io

import pytest
from django.core.management import CommandError, call_command

from agents.models import ApiToken
from agents.services import releases

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_resolves_every_released_agent_with_a_token_of_its_own(
    live_server, make_user, make_agent, make_version, user
):
    demo = make_user("Viewer", username="demo")
    agent = make_agent("Clinic")
    releases.release_version(version=make_version(agent), user=user)
    make_agent("Not released")
    out = io.StringIO()
    call_command("demo_runtime", url=live_server.url, seconds=1.0, stdout=out)
    assert f"{agent.public_id}: v1 (network, current" in out.getvalue()
    assert out.getvalue().count("ag_") == 1
    call_command("demo_runtime", url=live_server.url, seconds=0.1, stdout=io.StringIO())
    kept = ApiToken.objects.filter(user=demo, name="demo runtime")
    assert kept.count() == 2
    assert kept.filter(revoked_at__isnull=True).count() == 1  # the previous one is revoked


def test_it_needs_the_demo_user():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_runtime", seconds=0.1)
